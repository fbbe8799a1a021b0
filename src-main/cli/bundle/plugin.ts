/**
 * Builds the `vtdw` command into plain JavaScript at `npm run build`, beside the app: a vite
 * plugin on the Electron main build that runs one more (SSR, Node) build when main's is written.
 * Without it every `vtdw` start pays for tsx's loader and transpiles the CLI's TypeScript again
 * (about 200 ms before `vtdw serve` prints its URL). vtdw.js runs the bundle only while it is
 * newer than every file that went into it (see fresh.js) and falls back to tsx otherwise.
 */
import { writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { build, type Plugin } from 'vite';
import { CLI_BUNDLE_DIR, CLI_BUNDLE_ENTRY, CLI_BUNDLE_INPUTS } from './fresh.js';

/** Files outside the module graph whose change makes the bundle stale too. */
const ALSO_INPUTS = ['package.json', 'package-lock.json'];

/** The repository files (relative, with '/') among a build's module ids; node_modules are external. */
function repoFiles(root: string, ids: Iterable<string>): string[] {
  const out = new Set<string>(ALSO_INPUTS);
  for (const id of ids) {
    const file = id.split('?')[0];
    if (!isAbsolute(file)) continue;
    const rel = relative(root, file);
    if (rel.startsWith('..') || rel.split(sep).includes('node_modules')) continue;
    out.add(rel.split(sep).join('/'));
  }
  return [...out].sort();
}

async function buildCli(root: string): Promise<void> {
  // Sources saved while this build runs are newer than this moment, so they count as changes.
  const startedAt = Date.now();
  const outDir = join(root, CLI_BUNDLE_DIR);
  let ids: string[] = [];
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    plugins: [
      {
        name: 'vtdw-cli-inputs',
        generateBundle() {
          ids = [...this.getModuleIds()];
        },
      },
    ],
    build: {
      ssr: join(root, 'src-main/cli/main.ts'),
      outDir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rollupOptions: {
        // One flat folder: app-paths.ts finds the package root two levels above its own file,
        // which holds for out/cli/*.js exactly as for src-main/cli/*.ts.
        output: { format: 'es', entryFileNames: CLI_BUNDLE_ENTRY, chunkFileNames: '[name]-[hash].js' },
      },
    },
  });
  await writeFile(join(outDir, CLI_BUNDLE_INPUTS), JSON.stringify({ startedAt, inputs: repoFiles(root, ids) }, null, 1) + '\n');
}

export function bundleCli(root: string): Plugin {
  return {
    name: 'vtdw-bundle-cli',
    apply: 'build',
    async closeBundle() {
      await buildCli(root);
    },
  };
}
