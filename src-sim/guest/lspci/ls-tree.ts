/**
 * `lspci -t` after pciutils 3.9 `ls-tree.c`: bridges from every type-1/CardBus function,
 * a bridge tree (including its unsigned-span choice of parent), devices inserted by bus
 * range, and the ASCII drawing with its in-place line buffer (print_it turns what was
 * printed into "|" and spaces for the next line).
 */
import { hex, type LsDevice } from './ls-device.ts';
import type { Ctx } from './ls-context.ts';
import { lookupVendorDevice } from './names.ts';

interface Bus {
  domain: number;
  number: number;
  devices: LsDevice[];
}

interface Bridge {
  domain: number;
  primary: number;
  secondary: number;
  subordinate: number;
  dev?: LsDevice;
  children: Bridge[];
  buses: Bus[];
}

function findBus(b: Bridge, domain: number, n: number): Bus | undefined {
  return b.buses.find((x) => x.domain === domain && x.number === n);
}

function newBus(b: Bridge, domain: number, n: number): Bus {
  const bus = { domain, number: n, devices: [] };
  b.buses.push(bus);
  return bus;
}

function insertDev(d: LsDevice, b: Bridge): void {
  let bus = findBus(b, d.bdf.segment, d.bdf.bus);
  if (!bus) {
    for (const c of b.children) {
      if (c.domain === d.bdf.segment && c.secondary <= d.bdf.bus && d.bdf.bus <= c.subordinate) return insertDev(d, c);
    }
    bus = newBus(b, d.bdf.segment, d.bdf.bus);
  }
  bus.devices.push(d);
}

function growTree(devs: LsDevice[]): { host: Bridge; chain: Bridge[] } {
  const U = 0xffffffff;
  const host: Bridge = { domain: 0, primary: U, secondary: 0, subordinate: U, children: [], buses: [] };
  const chain: Bridge[] = [host];
  for (const d of devs) {
    const ht = d.headerType;
    if (d.deviceClass >> 8 !== 0x06 || (ht !== 1 && ht !== 2)) continue;
    chain.push({ domain: d.bdf.segment, primary: d.byte(0x18), secondary: d.byte(0x19), subordinate: d.byte(0x1a), dev: d, children: [], buses: [] });
  }
  const span = (x: Bridge) => (x.subordinate - x.primary) >>> 0;
  for (const b of chain) {
    let best: Bridge | undefined;
    for (const c of chain) {
      if (c !== b && (c === host || b.domain === c.domain) && b.primary >= c.secondary && b.primary <= c.subordinate && (!best || span(best) > span(c))) best = c;
    }
    best?.children.unshift(b);
  }
  for (const b of chain) if (!findBus(b, b.domain, b.secondary)) newBus(b, b.domain, b.secondary);
  for (const d of devs) insertDev(d, host);
  return { host, chain };
}

class Line {
  private readonly chars: string[] = [];
  constructor(private readonly out: (s: string) => void) {}
  put(p: number, s: string): number {
    for (let i = 0; i < s.length; i++) this.chars[p + i] = s[i];
    return p + s.length;
  }
  print(p: number): void {
    this.out(this.chars.slice(0, p).join('') + '\n');
    for (let i = 0; i < p; i++) this.chars[i] = this.chars[i] === '+' || this.chars[i] === '|' ? '|' : ' ';
  }
}

export function showForest(ctx: Ctx, devs: LsDevice[]): void {
  const { host, chain } = growTree(devs);
  const line = new Line((s) => ctx.o.p(s));

  const showDev = (d: LsDevice, p: number): void => {
    p = line.put(p, `${hex(d.bdf.device, 2)}.${d.bdf.fn.toString(16)}`);
    const b = chain.find((x) => x.dev === d);
    if (b) {
      if (b.secondary === 0) p = line.put(p, '-');
      else if (b.secondary === b.subordinate) p = line.put(p, `-[${hex(b.secondary, 2)}]-`);
      else p = line.put(p, `-[${hex(b.secondary, 2)}-${hex(b.subordinate, 2)}]-`);
      showBridge(b, p);
      return;
    }
    if (ctx.verbose) p = line.put(p, `  ${lookupVendorDevice(ctx.numeric, d.vendorId, d.deviceId)}`);
    line.print(p);
  };

  const showBus = (bus: Bus, p: number): void => {
    if (!bus.devices.length) return line.print(p);
    if (bus.devices.length === 1) return showDev(bus.devices[0], line.put(p, '--'));
    bus.devices.slice(0, -1).forEach((d) => showDev(d, line.put(p, '+-')));
    showDev(bus.devices[bus.devices.length - 1], line.put(p, '\\-'));
  };

  const showBridge = (b: Bridge, p: number): void => {
    p = line.put(p, '-');
    if (b.buses.length === 1) {
      if (b === host) p = line.put(p, `[${hex(b.domain, 4)}:${hex(b.buses[0].number, 2)}]-`);
      showBus(b.buses[0], p);
      return;
    }
    b.buses.slice(0, -1).forEach((u) => showBus(u, line.put(p, `+-[${hex(u.domain, 4)}:${hex(u.number, 2)}]-`)));
    const last = b.buses[b.buses.length - 1];
    showBus(last, line.put(p, `\\-[${hex(last.domain, 4)}:${hex(last.number, 2)}]-`));
  };

  showBridge(host, 0);
}
