/**
 * The protocol version. Bump it on any change a peer of the previous version could misread;
 * the hello handshake refuses a mismatch with a message naming both versions.
 */
export const PROTOCOL_VERSION = 2;

/** Frames a page may receive per second for one subscription; the sim batches to honour it. */
export const MAX_SERIES_UPDATES_PER_SECOND = 60;
