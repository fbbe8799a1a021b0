/**
 * construct_dom0 (xen/arch/x86/domain_build.c): gives dom0 its RAM and writes the start_info
 * page dom0's kernel reads first (xen/include/public/xen.h, x86_64 layout). Writing it makes
 * dom0's memory real content — an isolation check that hashes dom0's pages hashes something
 * dom0 depends on, not only untouched zero pages.
 */
import type { Domain } from '../../common/domain.ts';
import type { Xen } from '../../xen.ts';

/** start_info.magic of a 64-bit Xen 3.x (the seed's "32-bit FC5 on 64-bit Xen" host). */
const START_INFO_MAGIC = 'xen-3.0-x86_64';
/** SIF_PRIVILEGED | SIF_INITDOMAIN. */
const SIF_DOM0 = 0x3;
const START_INFO = { magic: 0, nrPages: 32, flags: 48, cmdLine: 128 } as const;
/** MAX_GUEST_CMDLINE. */
const CMDLINE_MAX = 1024;

/** dom0_mem of RAM (default: all but 1/16, at most 128 MiB kept back), then its start_info page. */
export function constructDom0(xen: Xen, dom0: Domain, cmdline: string): void {
  const avail = xen.heap.freePages;
  const pages = xen.params.dom0MemBytes !== undefined ? Math.min(avail, Math.floor(xen.params.dom0MemBytes / 0x1000)) : avail - Math.min(Math.floor(avail / 16), 0x8000);
  dom0.maxPages = pages;
  const [first] = xen.allocDomainFrames(dom0, pages);
  if (first) writeStartInfo(xen, first.mfn * 0x1000, pages, cmdline);
  dom0.state = 'running';
}

function writeStartInfo(xen: Xen, base: number, nrPages: number, cmdline: string): void {
  const mem = xen.world.pc.mem;
  mem.write(base + START_INFO.magic, ascii(START_INFO_MAGIC, 32));
  mem.writeU64(base + START_INFO.nrPages, nrPages);
  mem.writeU32(base + START_INFO.flags, SIF_DOM0);
  mem.write(base + START_INFO.cmdLine, ascii(cmdline, CMDLINE_MAX));
}

/** NUL-terminated ASCII in a field of `size` bytes (longer text is cut, as Xen's strlcpy does). */
function ascii(text: string, size: number): Uint8Array {
  const out = new Uint8Array(Math.min(text.length + 1, size));
  for (let i = 0; i < out.length - 1; i++) out[i] = text.charCodeAt(i) & 0x7f;
  return out;
}
