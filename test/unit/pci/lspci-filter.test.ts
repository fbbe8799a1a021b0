import { describe, expect, it } from 'vitest';
import { ANY, parseIdFilter, parseSlotFilter } from '../../../src-sim/guest/lspci/filter.ts';
import { main } from '../../../src-main/cli/main.ts';

function vtdw(argv: string[]) {
  let out = '';
  let err = '';
  return main(argv, { out: (t) => (out += t), err: (t) => (err += t), cwd: process.cwd() }).then((code) => ({ code, out, err }));
}

const SEED = 'resources/hosts/seed-core2-q35.json';

describe('lspci -s and -d, read as pciutils reads them', () => {
  it.each([
    ['02:00.0', { domain: -1, bus: 2, slot: 0, func: 0 }],
    ['1d', { domain: -1, bus: -1, slot: 0x1d, func: -1 }],
    ['1d.', { domain: -1, bus: -1, slot: 0x1d, func: -1 }],
    [':1c', { domain: -1, bus: -1, slot: 0x1c, func: -1 }],
    ['0000:00:1f.3', { domain: 0, bus: 0, slot: 0x1f, func: 3 }],
    ['*:*.1', { domain: -1, bus: -1, slot: -1, func: 1 }],
  ])('-s %s', (text, want) => {
    expect(parseSlotFilter(text)).toEqual({ ok: true, filter: { ...ANY, ...want } });
  });

  it.each([
    ['1g', 'Invalid slot number'],
    ['100:00.0', 'Invalid bus number'],
    ['00:20.0', 'Invalid slot number'],
    ['00:1f.8', 'Invalid function number'],
    ['x:00:00.0', 'Invalid domain number'],
  ])('-s %s is refused: %s', (text, message) => {
    expect(parseSlotFilter(text)).toEqual({ ok: false, message });
  });

  it('-d takes vendor, device, class and prog-if, any of them empty', () => {
    expect(parseIdFilter('8086:10b9')).toEqual({ ok: true, filter: { ...ANY, vendor: 0x8086, device: 0x10b9 } });
    expect(parseIdFilter('::0c03:20')).toEqual({ ok: true, filter: { ...ANY, devClass: 0x0c03, progIf: 0x20 } });
    expect(parseIdFilter('8086')).toEqual({ ok: false, message: "':' expected" });
    expect(parseIdFilter('10000:1')).toEqual({ ok: false, message: 'Invalid vendor ID' });
  });

  it('vtdw lspci shows only the matching functions, and says which filter is wrong', async () => {
    expect(await vtdw(['lspci', '--host', SEED, '-s', '02:00.0', '-nn'])).toEqual({
      code: 0,
      out: '02:00.0 Ethernet controller [0200]: Intel Corporation 82572EI Gigabit Ethernet Controller (Copper) [8086:10b9] (rev 06)\n',
      err: '',
    });
    const usb = await vtdw(['lspci', '--host', SEED, '-d', '::0c03']);
    expect(usb.out.trim().split('\n').map((l) => l.slice(0, 7))).toEqual(['00:1d.0', '00:1d.1', '00:1d.2', '00:1d.7']);
    expect(await vtdw(['lspci', '--host', SEED, '-s', '1g'])).toMatchObject({ code: 2, err: 'vtdw lspci: -s "1g": Invalid slot number\n' });
  });
});
