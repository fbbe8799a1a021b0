/**
 * What the E1000's transmit and receive engines need from the device (QEMU's E1000State as
 * seen by start_xmit and e1000_receive_iov), the statistics helpers they share, and the
 * device's trace catalogue (QEMU hw/net/trace-events: e1000_*, e1000x_*).
 */
import { defineTrace, type Scope, type TraceSink } from '../../../engine/index.ts';
import type { DmaPort, DmaStatus } from '../../memory/dma.ts';
import type { RegisterFile } from '../../regs/register-file.ts';

export interface E1000FrameCounters {
  rx: number;
  tx: number;
  rxDropped: number;
  /** Octets of the frames counted in rx / tx, as on the wire (destination address through FCS, as GORC/GOTC count). */
  rxBytes: number;
  txBytes: number;
}

export interface E1000Core {
  readonly id: string;
  /** The device's scope: its timers ("<id>.rdtr") and trace source. */
  readonly scope: Scope;
  readonly tracer: TraceSink;
  readonly regs: RegisterFile;
  readonly dma: DmaPort;
  /** Frames the device moved, for metrics: statistics registers clear when a driver reads them. */
  readonly frames: E1000FrameCounters;
  /** COMMAND.BME set and CTRL.GIO_MASTER_DISABLE clear: the device may issue DMA. */
  dmaAllowed(): boolean;
  /** Sets interrupt cause bits in ICR and re-evaluates the INTx level. */
  setCause(bits: number): void;
  /** Reports a DMA the bus refused (remapping fault or master abort). */
  dmaFailed(what: string, addr: number, status: DmaStatus): void;
}

/** Adds `n` to a 32-bit statistics counter; counters saturate instead of wrapping. */
export function bumpStat(regs: RegisterFile, offset: number, n = 1): void {
  const v = regs.raw32(offset) + n;
  regs.setRaw32(offset, v > 0xffffffff ? 0xffffffff : v);
}

/** Adds `n` to a 64-bit octet counter held as low/high dwords; saturates at 2^64 − 1. */
export function bumpStat64(regs: RegisterFile, lowOffset: number, n: number): void {
  const lo = regs.raw32(lowOffset) + n;
  if (lo <= 0xffffffff) {
    regs.setRaw32(lowOffset, lo);
    return;
  }
  const hi = regs.raw32(lowOffset + 4);
  if (hi === 0xffffffff) {
    regs.setRaw32(lowOffset, 0xffffffff);
    return;
  }
  regs.setRaw32(lowOffset, lo % 0x1_0000_0000);
  regs.setRaw32(lowOffset + 4, hi + Math.floor(lo / 0x1_0000_0000));
}

// ---- trace catalogue -----------------------------------------------------------------------

export const e1000TxDesc = defineTrace<{ dev: string; index: number; addr: string; len: number; cmd: number }>(
  'e1000.tx_desc',
  (f) => `${f.dev} TX desc ${f.index}: ${f.len} bytes at ${f.addr} cmd 0x${f.cmd.toString(16)}`,
);
export const e1000TxFrame = defineTrace<{ dev: string; len: number; queued: number }>('e1000.tx_frame', (f) => `${f.dev} frame of ${f.len} bytes to TX FIFO (${f.queued} queued)`);
export const e1000TxUnsupported = defineTrace<{ dev: string; what: string }>('e1000.tx_unsupported', (f) => `${f.dev} TX: ${f.what} not modelled, sent as plain data`);
export const e1000RxFrame = defineTrace<{ dev: string; len: number; descs: number; head: number }>(
  'e1000.rx_frame',
  (f) => `${f.dev} frame of ${f.len} bytes written to ${f.descs} desc(s), RDH now ${f.head}`,
);
export const e1000RxDrop = defineTrace<{ dev: string; len: number; reason: string }>('e1000.rx_drop', (f) => `${f.dev} RX drop ${f.len} bytes: ${f.reason}`);
export const e1000Irq = defineTrace<{ dev: string; level: boolean; icr: number; ims: number }>(
  'e1000.irq',
  (f) => `${f.dev} INTx ${f.level ? 'asserted' : 'deasserted'} (ICR 0x${f.icr.toString(16)} IMS 0x${f.ims.toString(16)})`,
);
export const e1000DmaFault = defineTrace<{ dev: string; what: string; addr: string; status: string }>('e1000.dma_fault', (f) => `${f.dev} DMA ${f.what} at ${f.addr}: ${f.status}`);
export const e1000DmaBlocked = defineTrace<{ dev: string; what: string }>('e1000.dma_blocked', (f) => `${f.dev} ${f.what} held: bus mastering disabled`);
export const e1000Reset = defineTrace<{ dev: string; why: string }>('e1000.reset', (f) => `${f.dev} reset (${f.why})`);
export const e1000Eeprom = defineTrace<{ dev: string; word: number; data: number }>('e1000.eeprom_read', (f) => `${f.dev} EERD word 0x${f.word.toString(16)} = 0x${f.data.toString(16).padStart(4, '0')}`);
export const e1000Mdic = defineTrace<{ dev: string; op: string; reg: number; data: number; error: boolean }>(
  'e1000.mdic',
  (f) => `${f.dev} MDIC ${f.op} PHY reg 0x${f.reg.toString(16)} = 0x${f.data.toString(16).padStart(4, '0')}${f.error ? ' (error)' : ''}`,
);
export const e1000RegAccess = defineTrace<{ dev: string; offset: string; size: number; write: boolean; reg: string; fidelity: string }>(
  'e1000.reg_access',
  (f) => `${f.dev} ${f.write ? 'write' : 'read'} ${f.size} at ${f.offset}: ${f.reg} is ${f.fidelity}`,
);
export const e1000Link = defineTrace<{ dev: string; up: boolean }>('e1000.link', (f) => `${f.dev} link ${f.up ? 'up 1000 Mb/s full duplex' : 'down'}`);
