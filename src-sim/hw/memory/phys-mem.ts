/**
 * Host-physical memory: sparse 4 KiB pages, allocated on first write (untouched RAM reads as
 * zero, as after a BIOS memory clear). Addresses are plain numbers; every address this machine
 * uses (≤ 2^39 with a 39-bit host address width) is exact in a double.
 */
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
const PAGE_MASK = PAGE_SIZE - 1;

export interface PhysicalMemoryState {
  version: 1;
  sizeBytes: number;
  /** Non-zero pages: page frame number → base64 of the 4 KiB. */
  pages: Record<string, string>;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Reads up to this many bytes are copied byte by byte: cheaper than making a view. */
const SMALL_COPY = 32;

/** Each base64 digit's character code, and each character's digit value (-1: not base64). */
const B64_CODE = Uint16Array.from(B64, (c) => c.charCodeAt(0));
const B64_VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_VALUE[B64.charCodeAt(i)] = i;
const PAD = '='.charCodeAt(0);
/** A page as base64: four digits per three bytes, the last group padded. */
const PAGE_B64_LENGTH = 4 * Math.ceil(PAGE_SIZE / 3);
/** Characters per String.fromCharCode call (argument count stays far below engine limits). */
const CHUNK = 8192;

/**
 * Base64 built as character codes and turned into flat strings a chunk at a time: a snapshot of
 * a host under Xen holds megabytes of page tables, and a string grown by `+=` per digit is a
 * rope that JSON.stringify must flatten again (ten times slower in all).
 */
function toBase64(bytes: Uint8Array): string {
  const codes = new Uint16Array(4 * Math.ceil(bytes.length / 3));
  let o = 0;
  const whole = bytes.length - (bytes.length % 3);
  for (let i = 0; i < whole; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    codes[o++] = B64_CODE[n >> 18];
    codes[o++] = B64_CODE[(n >> 12) & 63];
    codes[o++] = B64_CODE[(n >> 6) & 63];
    codes[o++] = B64_CODE[n & 63];
  }
  if (whole < bytes.length) {
    const n = (bytes[whole] << 16) | ((bytes[whole + 1] ?? 0) << 8);
    codes[o++] = B64_CODE[n >> 18];
    codes[o++] = B64_CODE[(n >> 12) & 63];
    codes[o++] = whole + 1 < bytes.length ? B64_CODE[(n >> 6) & 63] : PAD;
    codes[o] = PAD;
  }
  let out = '';
  // apply takes the typed array as it is; a spread would first copy it into an argument list.
  for (let c = 0; c < codes.length; c += CHUNK) out += String.fromCharCode.apply(null, codes.subarray(c, c + CHUNK) as unknown as number[]);
  return out;
}

/** Pages are written whole with zeros too (a freshly allocated Xen page): test a word at a time. */
function isZeroPage(p: Uint8Array): boolean {
  const words = new Int32Array(p.buffer, p.byteOffset, p.byteLength >> 2);
  for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false;
  return true;
}

/** A digit's value, or -1 for anything that is not one (padding included). */
function digitAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c < 128 ? B64_VALUE[c] : -1;
}

function notBase64(text: string, from: number): never {
  let i = from;
  while (i < text.length && digitAt(text, i) >= 0) i++;
  if (i >= text.length) throw new Error(`memory snapshot: base64 text ends inside a group of four (${text.length} characters)`);
  throw new Error(`memory snapshot: "${text[i]}" at character ${i} is not base64`);
}

function fromBase64(text: string, into: Uint8Array): void {
  let o = 0;
  // Whole quads first (one validity test per four digits); the last quad may carry padding.
  const body = text.endsWith('=') ? text.length - 4 : text.length;
  let i = 0;
  for (; i < body; i += 4) {
    const a = digitAt(text, i);
    const b = digitAt(text, i + 1);
    const c = digitAt(text, i + 2);
    const d = digitAt(text, i + 3);
    if ((a | b | c | d) < 0) notBase64(text, i);
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    into[o++] = n >> 16;
    into[o++] = (n >> 8) & 0xff;
    into[o++] = n & 0xff;
  }
  if (i >= text.length) return;
  const pad3 = text[i + 2] === '=';
  const a = digitAt(text, i);
  const b = digitAt(text, i + 1);
  const c = pad3 ? 0 : digitAt(text, i + 2);
  if ((a | b | c) < 0 || text[i + 3] !== '=') notBase64(text, i);
  const n = (a << 18) | (b << 12) | (c << 6);
  into[o++] = n >> 16;
  if (!pad3) into[o] = (n >> 8) & 0xff;
}

export class PhysicalMemory {
  private readonly pages = new Map<number, Uint8Array>();
  private static readonly ZERO = new Uint8Array(PAGE_SIZE);

  constructor(readonly sizeBytes: number) {
    if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0 || sizeBytes % PAGE_SIZE !== 0) {
      throw new RangeError(`memory size ${sizeBytes} must be a positive multiple of 4 KiB`);
    }
  }

  /** Whether [addr, addr+len) is backed by RAM. */
  contains(addr: number, len: number): boolean {
    return addr >= 0 && len >= 0 && addr + len <= this.sizeBytes;
  }

  get populatedPages(): number {
    return this.pages.size;
  }

  private pageForRead(pfn: number): Uint8Array {
    return this.pages.get(pfn) ?? PhysicalMemory.ZERO;
  }

  private pageForWrite(pfn: number): Uint8Array {
    let p = this.pages.get(pfn);
    if (!p) {
      p = new Uint8Array(PAGE_SIZE);
      this.pages.set(pfn, p);
    }
    return p;
  }

  private check(addr: number, len: number): void {
    if (!this.contains(addr, len)) throw new RangeError(`physical access [0x${addr.toString(16)}, +${len}) is outside RAM (0x${this.sizeBytes.toString(16)} bytes)`);
  }

  read(addr: number, dst: Uint8Array): void {
    this.copy(addr, dst, false);
  }

  write(addr: number, src: Uint8Array): void {
    this.copy(addr, src, true);
  }

  /** Copies between `buf` and memory page by page (a transfer may cross pages). */
  private copy(addr: number, buf: Uint8Array, toMemory: boolean): void {
    this.check(addr, buf.length);
    const start = addr & PAGE_MASK;
    if (start + buf.length <= PAGE_SIZE) {
      // Within one page (descriptors, small frames: the DMA hot path) — no views to allocate.
      const pfn = Math.floor(addr / PAGE_SIZE);
      if (toMemory) this.pageForWrite(pfn).set(buf, start);
      else if (buf.length <= SMALL_COPY) {
        const p = this.pageForRead(pfn);
        for (let i = 0; i < buf.length; i++) buf[i] = p[start + i];
      } else buf.set(this.pageForRead(pfn).subarray(start, start + buf.length));
      return;
    }
    let done = 0;
    while (done < buf.length) {
      const a = addr + done;
      const off = a & PAGE_MASK;
      const n = Math.min(PAGE_SIZE - off, buf.length - done);
      const pfn = Math.floor(a / PAGE_SIZE);
      if (toMemory) this.pageForWrite(pfn).set(buf.subarray(done, done + n), off);
      else buf.set(this.pageForRead(pfn).subarray(off, off + n), done);
      done += n;
    }
  }

  readU8(addr: number): number {
    this.check(addr, 1);
    return this.pageForRead(Math.floor(addr / PAGE_SIZE))[addr & PAGE_MASK];
  }

  /** Little-endian dword; aligned accesses stay inside one page (the fast path). */
  readU32(addr: number): number {
    const off = addr & PAGE_MASK;
    if (off <= PAGE_SIZE - 4) {
      this.check(addr, 4);
      const p = this.pageForRead(Math.floor(addr / PAGE_SIZE));
      return (p[off] | (p[off + 1] << 8) | (p[off + 2] << 16) | (p[off + 3] << 24)) >>> 0;
    }
    const b = new Uint8Array(4);
    this.read(addr, b);
    return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
  }

  writeU32(addr: number, value: number): void {
    const off = addr & PAGE_MASK;
    if (off <= PAGE_SIZE - 4) {
      this.check(addr, 4);
      const p = this.pageForWrite(Math.floor(addr / PAGE_SIZE));
      p[off] = value & 0xff;
      p[off + 1] = (value >>> 8) & 0xff;
      p[off + 2] = (value >>> 16) & 0xff;
      p[off + 3] = (value >>> 24) & 0xff;
      return;
    }
    this.write(addr, new Uint8Array([value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff]));
  }

  /** A little-endian qword as a number; exact for values below 2^53 (addresses, not flag bit 63). */
  readU64(addr: number): number {
    return this.readU32(addr + 4) * 0x1_0000_0000 + this.readU32(addr);
  }

  writeU64(addr: number, value: number): void {
    this.writeU32(addr, value % 0x1_0000_0000);
    this.writeU32(addr + 4, Math.floor(value / 0x1_0000_0000));
  }

  save(): PhysicalMemoryState {
    const pages: Record<string, string> = {};
    for (const pfn of [...this.pages.keys()].sort((a, b) => a - b)) {
      const p = this.pages.get(pfn)!;
      if (!isZeroPage(p)) pages[pfn.toString(16)] = toBase64(p);
    }
    return { version: 1, sizeBytes: this.sizeBytes, pages };
  }

  restore(s: PhysicalMemoryState): void {
    if (s.version !== 1) throw new Error(`memory snapshot version ${s.version} is not 1`);
    if (s.sizeBytes !== this.sizeBytes) throw new Error(`memory snapshot is ${s.sizeBytes} bytes, this machine has ${this.sizeBytes}`);
    // Decoded aside first: a refused snapshot leaves the memory as it was.
    const pages = new Map<number, Uint8Array>();
    for (const [pfnHex, b64] of Object.entries(s.pages)) {
      const pfn = parseInt(pfnHex, 16);
      if (!/^[0-9a-f]+$/.test(pfnHex) || pfn >= this.sizeBytes / PAGE_SIZE) throw new Error(`memory snapshot: page "${pfnHex}" is not a page frame of this machine`);
      if (typeof b64 !== 'string' || b64.length !== PAGE_B64_LENGTH) throw new Error(`memory snapshot: page ${pfnHex} is ${typeof b64 === 'string' ? b64.length : typeof b64} characters of base64, a page is ${PAGE_B64_LENGTH}`);
      const page = new Uint8Array(PAGE_SIZE);
      fromBase64(b64, page);
      pages.set(pfn, page);
    }
    this.pages.clear();
    for (const [pfn, page] of pages) this.pages.set(pfn, page);
  }
}
