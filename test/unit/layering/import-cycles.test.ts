// No import cycles inside the simulator core or the shared code: a cycle makes module
// initialisation order matter and hides which file owns an idea. Type-only imports count too
// (they are how most cycles start). The walk reads the sources' import and export-from lines.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SPECIFIER = /^\s*(?:import|export)\b[^'"]*?\bfrom\s+['"](\.[^'"]+)['"]|^\s*import\s+['"](\.[^'"]+)['"]/gm;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** file → the files it imports (relative specifiers only; packages cannot close a cycle). */
export function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const deps: string[] = [];
    for (const m of text.matchAll(SPECIFIER)) {
      const target = resolve(dirname(file), m[1] ?? m[2]);
      if (known.has(target)) deps.push(target);
    }
    graph.set(file, deps);
  }
  return graph;
}

/** Every strongly connected group of more than one file (or a file importing itself), by Tarjan. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) !== idx.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(group.sort());
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/**
 * Cycles accepted on purpose, each made only of `import type` lines (erased before run time):
 * a bus holds its functions and a function knows its bus, as Linux's pci_bus and pci_dev do.
 */
const ACCEPTED_TYPE_ONLY = ['src-sim/hw/pci/pci-bus.ts ↔ src-sim/hw/pci/pci-function.ts'];

/** True when every import between the files of a cycle is `import type`. */
function typeOnly(group: string[]): boolean {
  const inGroup = new Set(group.map((f) => resolve(ROOT, f)));
  return group.every((f) => {
    const file = resolve(ROOT, f);
    return [...readFileSync(file, 'utf8').matchAll(SPECIFIER)].every((m) => !inGroup.has(resolve(dirname(file), m[1] ?? m[2])) || /^\s*(?:import|export)\s+type\b/.test(m[0]));
  });
}

describe('import cycles', () => {
  it('finds a cycle when two files import each other (the check itself works)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['a.ts']],
      ['c.ts', ['a.ts']],
    ]);
    expect(cycles(graph)).toEqual([['a.ts', 'b.ts']]);
  });

  it.each(['src-sim', 'src-shared'])('%s has none', (folder) => {
    const files = sources(join(ROOT, folder));
    expect(files.length).toBeGreaterThan(10);
    const groups = cycles(importGraph(files)).map((group) => group.map((f) => relative(ROOT, f)));
    const found = groups.map((g) => g.join(' ↔ '));
    expect(found.filter((c) => !ACCEPTED_TYPE_ONLY.includes(c))).toEqual([]);
    for (const g of groups) expect(typeOnly(g), `${g.join(' ↔ ')} must import only types`).toBe(true);
  });
});
