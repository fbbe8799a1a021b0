/**
 * `npm run bench [-- NAME…]`: runs the benchmark figures and prints one flat JSON object
 * `{ "name": number, … }` on stdout (progress goes to stderr). Every `*.bench.ts` file in this
 * folder exports `figures`: a map from figure name to a function that measures it. A NAME
 * selects a figure exactly or every figure under a prefix ("engine" runs "engine.*").
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Figures } from './measure.ts';

const here = dirname(fileURLToPath(import.meta.url));

async function loadFigures(): Promise<Figures> {
  const all: Figures = {};
  for (const f of readdirSync(here).filter((n) => n.endsWith('.bench.ts')).sort()) {
    const mod = (await import(pathToFileURL(join(here, f)).href)) as { figures: Figures };
    for (const [name, fn] of Object.entries(mod.figures)) {
      if (all[name]) throw new Error(`figure ${name} is defined twice (again in ${f})`);
      all[name] = fn;
    }
  }
  return all;
}

async function main(): Promise<number> {
  const figures = await loadFigures();
  const wanted = process.argv.slice(2);
  const names = Object.keys(figures).filter((n) => wanted.length === 0 || wanted.some((w) => n === w || n.startsWith(w + '.')));
  const unknown = wanted.filter((w) => !Object.keys(figures).some((n) => n === w || n.startsWith(w + '.')));
  if (unknown.length) {
    process.stderr.write(`bench: no figure named ${unknown.join(', ')}; known: ${Object.keys(figures).join(', ')}\n`);
    return 2;
  }
  const out: Record<string, number> = {};
  for (const n of names) {
    process.stderr.write(`bench: ${n}…\n`);
    out[n] = Number((await figures[n]()).toPrecision(6));
  }
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  return 0;
}

process.exitCode = await main();
