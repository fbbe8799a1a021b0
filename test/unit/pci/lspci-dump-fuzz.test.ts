// The dump parser and the profile validator under hostile input: only their own errors escape.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../../src-sim/engine/rng.ts';
import { LspciDumpError, parseLspciDump } from '../../../src-sim/hw/pci/lspci-dump.ts';
import { HostProfileError, parseHostProfile, validateHostProfile } from '../../../src-sim/hw/host-profile.ts';

const DIR = new URL('../../fixtures/lspci/', import.meta.url);
const seeds = readdirSync(DIR)
  .filter((f) => !f.endsWith('.md'))
  .map((f) => readFileSync(new URL(f, DIR), 'utf8'));

const ALPHABET = '0123456789abcdefABCDEF:. \n\t\rxyz-[]\u00ff\ufeff';

/** Uniform in [0, n). */
const int = (rng: RandomStream, n: number) => (n <= 0 ? 0 : rng.nextInt(0, n - 1));

function mutate(rng: RandomStream, text: string): string {
  const chars = text.split('');
  const edits = 1 + int(rng, 8);
  for (let e = 0; e < edits; e++) {
    const at = int(rng, chars.length + 1);
    switch (int(rng, 5)) {
      case 0: chars.splice(at, 1); break;
      case 1: chars.splice(at, 0, ALPHABET[int(rng, ALPHABET.length)]); break;
      case 2: chars[at] = ALPHABET[int(rng, ALPHABET.length)]; break;
      case 3: chars.splice(at, int(rng, 40)); break;
      default: chars.splice(at, 0, ...chars.slice(int(rng, chars.length), int(rng, chars.length)).slice(0, 200));
    }
  }
  return chars.join('');
}

function random(rng: RandomStream): string {
  const n = int(rng, 400);
  let s = int(rng, 2) ? '00:00.0 x\n' : '';
  for (let i = 0; i < n; i++) s += ALPHABET[int(rng, ALPHABET.length)];
  return s;
}

describe('lspci dump parser fuzz', () => {
  it('10,000 random and mutated inputs: a parse or an LspciDumpError with line and reason, nothing else', () => {
    const rng = new RandomStream('pci.lspci-dump-fuzz', 2007);
    let parsed = 0;
    let rejected = 0;
    // Short seeds keep each mutation cheap; the whole-machine dumps are cut to a window.
    const small = seeds.map((s) => {
      const start = int(rng, Math.max(0, s.length - 6000));
      return s.slice(start, start + 6000);
    });
    for (let i = 0; i < 10_000; i++) {
      const input = i % 4 === 0 ? random(rng) : mutate(rng, small[int(rng, small.length)]);
      try {
        const devs = parseLspciDump(input);
        expect(devs.length).toBeGreaterThan(0);
        parsed++;
      } catch (e) {
        if (!(e instanceof LspciDumpError)) throw new Error(`input #${i} escaped with ${String(e)}:\n${JSON.stringify(input.slice(0, 300))}`, { cause: e });
        expect(e.line).toBeGreaterThanOrEqual(1);
        expect(e.reason.length).toBeGreaterThan(0);
        rejected++;
      }
    }
    expect(parsed + rejected).toBe(10_000);
    expect(parsed).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  });

  it('names the line and the reason of a malformed row', () => {
    expect(() => parseLspciDump('00:00.0 Host bridge\n00: 86 80  00\n')).toThrow(/^line 2: malformed hex row at column 11/);
    expect(() => parseLspciDump('00:20.0 Host bridge\n00: 86 80\n')).toThrow('line 1: device number 20 is out of range (00-1f)');
    expect(() => parseLspciDump('1000: 00\n')).toThrow(/no devices found/);
    expect(() => parseLspciDump('00:00.0 x\n00: 01\n\n00:00.0 y\n00: 02\n')).toThrow('line 4: device 0000:00:00.0 appears twice (first at line 1)');
  });

  const header = '00: 86 80 0f 10 07 00 30 02 01 00 00 02 10 40 00 00\n';

  it('rejects a damaged device address with its line and column instead of dropping the device', () => {
    const err = (text: string) => {
      try {
        parseLspciDump(text);
      } catch (e) {
        return e as LspciDumpError;
      }
      throw new Error('parsed');
    };
    expect(err(`00:00.0 Host bridge\n${header}\n100:00.0 Ethernet\n${header}`)).toMatchObject({ line: 4, column: 1, reason: '"100:00.0" is not a PCI address: the bus must be 2 hex digits (00-ff)' });
    expect(err(`00:1.0 Ethernet\n${header}`)).toMatchObject({ line: 1, column: 4, reason: expect.stringMatching(/the device must be 2 hex digits/) });
    expect(err(`0000:00:00.10 Ethernet\n${header}`)).toMatchObject({ line: 1, column: 12, reason: expect.stringMatching(/the function must be 1 digit/) });
  });

  it('rejects a device whose header row (00:) is missing rather than showing it as all ones', () => {
    const noHeader = '02:0c.0 Ethernet controller: Intel 82540EM\n100: 86 80 0f 10 07 00 30 02 01 00 00 02 10 40 00 00\n10: 00 00 fe fc 00 00 00 00 01 ec 00 00 00 00 00 00\n';
    expect(() => parseLspciDump(noHeader)).toThrow('line 1: device 0000:02:0c.0 has no complete header row (00: …): bytes 0x00-0x0f (IDs, class, header type) are needed');
    expect(() => parseLspciDump('00:00.0 x\n00: 86 80 29 b0\n')).toThrow(/has no complete header row/);
  });
});

describe('host profile validation', () => {
  const good = () => JSON.parse(readFileSync(new URL('../../../resources/hosts/seed-core2-q35.json', import.meta.url), 'utf8'));

  it('accepts the seed host profile', () => {
    expect(validateHostProfile(good()).ok).toBe(true);
  });

  it('names the field path of each problem', () => {
    const p = good();
    p.cpu.cores = 'two';
    p.pci[3].config[2] = '86 80 zz';
    p.pci[5].bdf = p.pci[4].bdf;
    p.dmar.structures[0].registerBase = 'fed91000';
    const r = validateHostProfile(p);
    expect(r.ok).toBe(false);
    const problems = (r as { problems: string[] }).problems.join('\n');
    expect(problems).toContain('cpu.cores:');
    expect(problems).toContain('pci[3].config[2]:');
    expect(problems).toContain('dmar.structures[0].registerBase:');
  });

  it('reports duplicate addresses after the schema passes', () => {
    const p = good();
    p.pci[5].bdf = p.pci[4].bdf;
    expect(validateHostProfile(p)).toMatchObject({ ok: false, problems: [`pci[5].bdf: ${p.pci[4].bdf} is already pci[4]`] });
  });

  it('gives line:column for broken JSON', () => {
    expect(() => parseHostProfile('{\n  "name": }')).toThrow(HostProfileError);
    try {
      parseHostProfile('{\n  "name": }');
    } catch (e) {
      expect((e as HostProfileError).problems[0]).toMatch(/^2:\d+: invalid JSON/);
    }
  });
});
