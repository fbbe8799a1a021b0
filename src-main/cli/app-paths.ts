/** Where the CLI finds the app: the package root and the build output under it. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const outDir = join(appRoot, 'out');
export const rendererOut = join(outDir, 'renderer');
export const simBundle = join(outDir, 'main', 'sim.js');
export const mainBundle = join(outDir, 'main', 'index.js');
