#!/usr/bin/env node
// The `vtdw` command. The CLI is written in TypeScript and shares its code with the app.
// `npm run build` also bundles it into out/cli (src-main/cli/bundle): while that bundle is newer
// than every source in it, it runs as plain JavaScript; otherwise (no build, a source edited
// since, an installed package without out/) tsx's loader runs the sources, so no build step is
// ever needed before the CLI runs.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freshCliBundle } from './bundle/fresh.js';

const bundle = freshCliBundle(fileURLToPath(new URL('../..', import.meta.url)));
let main;
if (bundle) {
  ({ main } = await import(pathToFileURL(bundle).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('./main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
