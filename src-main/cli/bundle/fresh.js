// Whether the built CLI (out/cli, made by plugin.ts at `npm run build`) may run instead of the
// TypeScript sources: plain JavaScript, because it runs before any loader is registered.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const CLI_BUNDLE_DIR = 'out/cli';
export const CLI_BUNDLE_ENTRY = 'main.js';
export const CLI_BUNDLE_INPUTS = 'inputs.json';

/**
 * The bundle's entry when it was built after the last change to every file that went into it,
 * else undefined (no build, an unreadable list, a source edited, moved or deleted since).
 * About 300 stat calls: a few milliseconds, against ~200 ms for tsx.
 */
export function freshCliBundle(appRoot) {
  const dir = join(appRoot, CLI_BUNDLE_DIR);
  let list;
  try {
    list = JSON.parse(readFileSync(join(dir, CLI_BUNDLE_INPUTS), 'utf8'));
    statSync(join(dir, CLI_BUNDLE_ENTRY));
  } catch {
    return undefined;
  }
  if (typeof list?.startedAt !== 'number' || !Array.isArray(list.inputs)) return undefined;
  for (const rel of list.inputs) {
    const st = typeof rel === 'string' ? statSync(join(appRoot, rel), { throwIfNoEntry: false }) : undefined;
    if (!st || st.mtimeMs > list.startedAt) return undefined;
  }
  return join(dir, CLI_BUNDLE_ENTRY);
}
