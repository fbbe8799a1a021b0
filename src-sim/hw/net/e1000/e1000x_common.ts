/**
 * Decisions shared by every 8254x/8257x model, as pure functions of register values (QEMU
 * hw/net/e1000x_common.c: e1000x_rx_ready, e1000x_rx_group_filter, e1000x_rxbufsize,
 * e1000x_is_vlan_packet; the EEPROM layout and checksum rule of the e1000e driver's nvm.c).
 * They take values or a raw-dword reader and return a decision; the device model acts on it.
 */
import * as R from './e1000x_regs.ts';

/** Receive buffer size from RCTL.BSIZE/BSEX (devices.md §2.2). */
export function rxBufSize(rctl: number): number {
  const bsize = (rctl >>> R.RCTL_BSIZE_SHIFT) & 3;
  if (rctl & R.RCTL_BSEX) return bsize === 1 ? 16384 : bsize === 2 ? 8192 : bsize === 3 ? 4096 : 2048;
  return bsize === 0 ? 2048 : bsize === 1 ? 1024 : bsize === 2 ? 512 : 256;
}

/** Largest frame (FCS included) RCTL accepts: 1522 (tagged) unless long packets are enabled. */
export function rxMaxFrame(rctl: number): number {
  return rctl & R.RCTL_LPE ? 16384 : 1522;
}

/** Free descriptors in a ring of `count` whose hardware part is [head, tail). */
export function ringSpace(head: number, tail: number, count: number): number {
  return tail >= head ? tail - head : count - head + tail;
}

/**
 * RXDMT0: free descriptors have fallen to the RCTL.RDMTS fraction (½, ¼, ⅛) of the ring
 * (QEMU e1000_receive_iov: `(rdt - rdh) * 16 <= RDLEN >> (RDMTS + 1)`).
 */
export function rxDescMinThresholdHit(free: number, rdlen: number, rctl: number): boolean {
  const rdmts = (rctl >>> R.RCTL_RDMTS_SHIFT) & 3;
  return free * R.DESC_BYTES <= rdlen >>> (rdmts + 1);
}

/** Reads one dword of the CSR file (RegisterFile.raw32). */
export type Raw32 = (offset: number) => number;

export type RxClass = 'unicast' | 'multicast' | 'broadcast';

/** Shift applied to destination bytes 4–5 for the multicast hash, by RCTL.MO. */
const MTA_SHIFT = [4, 3, 2, 0];

/**
 * Destination filter (e1000x_rx_group_filter): broadcast with BAM, multicast with MPE or an MTA
 * hash hit, unicast with UPE or a valid RA[n] match. Returns the class accepted, or null.
 */
export function rxFilter(frame: Uint8Array, rctl: number, raw32: Raw32): RxClass | null {
  if ((frame[0] & 1) === 0) {
    if (rctl & R.RCTL_UPE) return 'unicast';
    const lo = (frame[0] | (frame[1] << 8) | (frame[2] << 16) | (frame[3] << 24)) >>> 0;
    const hi = frame[4] | (frame[5] << 8);
    for (let n = 0; n < 16; n++) {
      const rah = raw32(R.RA + 8 * n + 4);
      if ((rah & R.RAH_AV) === 0) continue;
      if (raw32(R.RA + 8 * n) === lo && (rah & 0xffff) === hi) return 'unicast';
    }
    return null;
  }
  if ((frame[0] & frame[1] & frame[2] & frame[3] & frame[4] & frame[5]) === 0xff) {
    return rctl & R.RCTL_BAM || rctl & R.RCTL_MPE ? 'broadcast' : null;
  }
  if (rctl & R.RCTL_MPE) return 'multicast';
  const f = (((frame[5] << 8) | frame[4]) >>> MTA_SHIFT[(rctl >>> R.RCTL_MO_SHIFT) & 3]) & 0xfff;
  return raw32(R.MTA + 4 * (f >>> 5)) & (1 << (f & 31)) ? 'multicast' : null;
}

/** Index 0–5 of the PRCxx/PTCxx size bucket for a frame of `len` bytes (FCS included). */
export function sizeBucket(len: number): number {
  return len <= 64 ? 0 : len <= 127 ? 1 : len <= 255 ? 2 : len <= 511 ? 3 : len <= 1023 ? 4 : 5;
}

// ---- EEPROM --------------------------------------------------------------------------------

/** 64 words on the 82571/82572 SPI EEPROM as the e1000e driver sizes it (EECD.EE_SIZE = 0). */
export const EEPROM_WORDS = 64;
/** The 16-bit sum of words 0x00–0x3F must be this (NVM_SUM). */
export const EEPROM_SUM = 0xbaba;
export const EEPROM_CHECKSUM_WORD = 0x3f;

export interface EepromIdentity {
  mac: Uint8Array;
  deviceId: number;
  subsystemId: number;
  subsystemVendorId: number;
}

/**
 * EEPROM image: MAC in words 0–2 (byte pairs, low byte first), init control words, the PCI
 * identity words 0x0B–0x0E, and word 0x3F chosen so the sum is 0xBABA.
 */
export function buildEeprom(id: EepromIdentity): Uint16Array {
  const w = new Uint16Array(EEPROM_WORDS);
  for (let i = 0; i < 3; i++) w[i] = id.mac[2 * i] | (id.mac[2 * i + 1] << 8);
  w[0x04] = 0xffff; // ID LED settings: use the driver's defaults
  w[0x0a] = 0x40c8; // init control 1 (unverified exact; the driver does not read it on 8257x)
  w[0x0b] = id.subsystemId;
  w[0x0c] = id.subsystemVendorId;
  w[0x0d] = id.deviceId;
  w[0x0e] = 0x8086;
  w[0x0f] = 0x3040; // init control 2 (unverified exact)
  w[EEPROM_CHECKSUM_WORD] = (EEPROM_SUM - eepromSum(w, EEPROM_CHECKSUM_WORD)) & 0xffff;
  return w;
}

/** Sum of the first `count` words, modulo 2^16. */
export function eepromSum(words: Uint16Array, count = EEPROM_WORDS): number {
  let sum = 0;
  for (let i = 0; i < count; i++) sum = (sum + words[i]) & 0xffff;
  return sum;
}
