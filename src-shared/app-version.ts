/** The application version, read from package.json so there is one place to bump it. */
import pkg from '../package.json' with { type: 'json' };

export const APP_VERSION: string = pkg.version;
export const APP_NAME: string = pkg.productName;
