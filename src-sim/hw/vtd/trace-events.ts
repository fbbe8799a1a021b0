/**
 * Trace catalogue of the VT-d remapping units (QEMU hw/i386/trace-events, vtd_* lines). One
 * declaration per event; nothing on the translation fast path (hits and walks are counters).
 */
import { defineTrace } from '../../engine/index.ts';

const h = (n: number): string => n.toString(16);

export const TRACE_VTD_GCMD = defineTrace<{ unit: string; value: number; gsts: number }>(
  'vtd.reg_write_gcmd',
  (f) => `${f.unit}: GCMD <- 0x${h(f.value)}, GSTS now 0x${h(f.gsts)}`,
);

export const TRACE_VTD_ROOT_TABLE = defineTrace<{ unit: string; addr: number }>('vtd.root_table', (f) => `${f.unit}: root table pointer latched at 0x${h(f.addr)} (SRTP)`);

export const TRACE_VTD_TRANSLATION = defineTrace<{ unit: string; enabled: boolean }>('vtd.translation', (f) => `${f.unit}: DMA remapping ${f.enabled ? 'enabled' : 'disabled'} (TES=${f.enabled ? 1 : 0})`);

export const TRACE_VTD_WBF = defineTrace<{ unit: string; required: boolean }>('vtd.write_buffer_flush', (f) => `${f.unit}: write-buffer flush${f.required ? '' : ' (CAP.RWBF=0: nothing buffered)'}`);

export const TRACE_VTD_INV_CONTEXT = defineTrace<{ unit: string; granularity: string; did: number; sid: number; fm: number; dropped: number; via: string }>(
  'vtd.inv_context',
  (f) => `${f.unit}: context-cache invalidation ${f.granularity} did=${f.did} sid=0x${h(f.sid)} fm=${f.fm} via ${f.via}: ${f.dropped} entries dropped`,
);

export const TRACE_VTD_INV_IOTLB = defineTrace<{ unit: string; granularity: string; did: number; addr: number; am: number; ih: boolean; dropped: number; via: string }>(
  'vtd.inv_iotlb',
  (f) => `${f.unit}: IOTLB invalidation ${f.granularity} did=${f.did} addr=0x${h(f.addr)} am=${f.am}${f.ih ? ' ih' : ''} via ${f.via}: ${f.dropped} entries dropped`,
);

export const TRACE_VTD_DMAR_FAULT = defineTrace<{ unit: string; sid: number; reason: number; addr: number; write: boolean; outcome: string }>(
  'vtd.dmar_fault',
  (f) => `${f.unit}: DMA ${f.write ? 'Write' : 'Read'} sid=0x${h(f.sid)} addr 0x${h(f.addr)} reason ${h(f.reason).padStart(2, '0')}h: ${f.outcome}`,
);

export const TRACE_VTD_FAULT_EVENT = defineTrace<{ unit: string; address: number; data: number }>(
  'vtd.fault_event',
  (f) => `${f.unit}: fault event message 0x${h(f.data)} to 0x${h(f.address)}`,
);

export const TRACE_VTD_QI = defineTrace<{ unit: string; head: number; tail: number; descriptor: string }>(
  'vtd.qi_descriptor',
  (f) => `${f.unit}: invalidation queue [${f.head}/${f.tail}] ${f.descriptor}`,
);

export const TRACE_VTD_UNASSIGNED = defineTrace<{ unit: string; offset: number; size: number; write: boolean; register: string }>(
  'vtd.reg_unassigned',
  (f) => `${f.unit}: ${f.write ? 'write' : 'read'} of ${f.size} bytes at 0x${h(f.offset)} (${f.register})`,
);
