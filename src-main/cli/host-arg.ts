/**
 * What `--host X` names: a file (a profile or an lspci dump) when X is a path that exists,
 * otherwise a host profile shipped in resources/hosts/ (`--host seed-core2-q35`). The shipped
 * profiles are found beside the CLI's own code, so a name works from any folder.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { appRoot } from './app-paths.ts';

const HOSTS_DIR = join(appRoot, 'resources', 'hosts');

/** Names of the shipped host profiles, sorted. */
export function bundledHostNames(): string[] {
  try {
    return readdirSync(HOSTS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  } catch {
    return [];
  }
}

/**
 * The file `--host` reads: the argument itself when it is a path that exists (relative to `cwd`),
 * else the shipped profile of that name, else undefined.
 */
export function hostArgPath(arg: string, cwd: string): string | undefined {
  if (existsSync(resolve(cwd, arg))) return arg;
  if (!/^[\w.-]+$/.test(arg)) return undefined;
  const file = join(HOSTS_DIR, `${arg.replace(/\.json$/, '')}.json`);
  return existsSync(file) ? file : undefined;
}

/** Why `--host X` found nothing, naming the profiles that do exist. */
export function noSuchHost(): string {
  return `no such file, and no host profile of that name (shipped: ${bundledHostNames().join(', ')})`;
}
