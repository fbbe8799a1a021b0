export declare const CLI_BUNDLE_DIR: string;
export declare const CLI_BUNDLE_ENTRY: string;
export declare const CLI_BUNDLE_INPUTS: string;
/** The built CLI's entry when it is newer than all its inputs, else undefined. */
export declare function freshCliBundle(appRoot: string): string | undefined;
