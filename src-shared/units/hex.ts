/** Hex formatting as lspci, Xen and the VT-d spec print numbers. */
export const hex = (n: number, width = 0): string => n.toString(16).padStart(width, '0');
/** "0x…" lower-case, as our JSON outputs spell addresses. */
export const hex0x = (n: number | bigint): string => '0x' + n.toString(16);
