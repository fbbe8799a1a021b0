/**
 * The PCI ID database (pci.ids, generated into pci-ids.data.ts by test/tools/gen-pci-ids.mjs),
 * read into lookup tables the way pciutils' lib/names-parse.c reads the file: top-level
 * vendor lines, one-tab devices, two-tab subsystems, "C cc" class blocks with one-tab
 * subclasses and two-tab programming interfaces, "S vvvv" generic subsystem blocks, and other
 * one-letter blocks skipped. Parsed on first use, so code that never names a device pays
 * nothing.
 */
import { PCI_IDS_LINES, PCI_IDS_VERSION } from './pci-ids.data.ts';

export { PCI_IDS_VERSION };

export interface PciIds {
  vendors: Map<number, string>;
  /** Keyed vendor << 16 | device. */
  devices: Map<number, string>;
  /** Keyed "vvvv:dddd ssvv:ssdd". */
  subsystems: Map<string, string>;
  /** Generic subsystem names ("S" blocks), keyed ssvv << 16 | ssdd. */
  genericSubsystems: Map<number, string>;
  classes: Map<number, string>;
  /** Keyed by the 16-bit class (base << 8 | subclass). */
  subclasses: Map<number, string>;
  /** Keyed class16 << 8 | prog-if. */
  progIfs: Map<number, string>;
}

const ENTRY = /^(\t*)(?:(C|S) )?([0-9a-fA-F]+)(?:[ \t]+([0-9a-fA-F]{4}))?[ \t]+(.+)$/;

/** Parses pci.ids lines; a line it cannot read is an error naming the line (the data is generated). */
export function parsePciIds(lines: readonly string[]): PciIds {
  const db: PciIds = { vendors: new Map(), devices: new Map(), subsystems: new Map(), genericSubsystems: new Map(), classes: new Map(), subclasses: new Map(), progIfs: new Map() };
  let block: 'vendor' | 'class' | 'generic' | 'skip' = 'skip';
  let top = 0;
  let mid = 0;
  lines.forEach((line, i) => {
    if (/^[A-Z] /.test(line) && !/^[CS] /.test(line)) return void (block = 'skip');
    if (block === 'skip' && line.startsWith('\t')) return;
    const generic = /^S ([0-9a-fA-F]{4})$/.exec(line);
    if (generic) {
      top = parseInt(generic[1], 16);
      return void (block = 'generic');
    }
    const m = ENTRY.exec(line);
    if (!m) throw new Error(`pci.ids entry ${i + 1}: cannot read ${JSON.stringify(line)}`);
    const [, tabs, kind, id, id2, name] = m;
    const n = parseInt(id, 16);
    if (tabs.length === 0) {
      top = n;
      if (kind === 'C') db.classes.set(n, name);
      else if (kind !== 'S') db.vendors.set(n, name);
      block = kind === 'C' ? 'class' : kind === 'S' ? 'generic' : 'vendor';
    } else if (tabs.length === 1) {
      mid = n;
      if (block === 'class') db.subclasses.set((top << 8) | n, name);
      else if (block === 'generic') db.genericSubsystems.set(((top << 16) | n) >>> 0, name);
      else db.devices.set(((top << 16) | n) >>> 0, name);
    } else if (block === 'class') db.progIfs.set((((top << 8) | mid) << 8) | n, name);
    else if (block === 'vendor' && id2) db.subsystems.set(`${hex4(top)}:${hex4(mid)} ${hex4(n)}:${id2.toLowerCase()}`, name);
  });
  return db;
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

let loaded: PciIds | undefined;

/** The database, parsed on first call. */
export function pciIds(): PciIds {
  return (loaded ??= parsePciIds(PCI_IDS_LINES));
}
