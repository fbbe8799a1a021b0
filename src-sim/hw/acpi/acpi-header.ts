/**
 * The 36-byte ACPI system description table header every table starts with (ACPI spec 5.2.6;
 * ACPICA actbl.h ACPI_TABLE_HEADER) and the checksum rule: all bytes of the table sum to 0.
 * Shared by the DMAR parser/emitter and the firmware tables the platform will expose.
 */

export const ACPI_HEADER_SIZE = 36;

/** Byte offsets of the header fields. */
export const ACPI_HDR = { signature: 0, length: 4, revision: 8, checksum: 9, oemId: 10, oemTableId: 16, oemRevision: 24, creatorId: 28, creatorRevision: 32 } as const;

/** Sum of `bytes[0..length)` modulo 256. */
export function byteSum(bytes: Uint8Array, length = bytes.length): number {
  let s = 0;
  for (let i = 0; i < length; i++) s = (s + bytes[i]) & 0xff;
  return s;
}

/** Sets the checksum byte so the first `length` bytes sum to zero. */
export function fixChecksum(bytes: Uint8Array, length = bytes.length): void {
  bytes[ACPI_HDR.checksum] = 0;
  bytes[ACPI_HDR.checksum] = (0x100 - byteSum(bytes, length)) & 0xff;
}

/** Bytes as a string, one latin-1 character per byte (OEM ids keep their padding). */
export function latin1(bytes: Uint8Array, offset: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(bytes[offset + i]);
  return s;
}

export function putLatin1(bytes: Uint8Array, offset: number, text: string, n: number): void {
  for (let i = 0; i < n; i++) bytes[offset + i] = i < text.length ? text.charCodeAt(i) & 0xff : 0x20;
}

/** A signature or name for an error message: printable ASCII as is, other bytes as \xNN. */
export function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

/**
 * A header name (OEM ID, OEM table ID, creator ID) as iASL prints it (AcpiUtCheckAndRepairAscii
 * then "%.6s"): it ends at the first NUL byte, and other unprintable bytes show as spaces.
 * Trailing spaces are kept, as iASL keeps them ("INTEL ").
 */
export function iaslName(text: string): string {
  const nul = text.indexOf('\0');
  return (nul < 0 ? text : text.slice(0, nul)).replace(/[^\x20-\x7e]/g, ' ');
}
