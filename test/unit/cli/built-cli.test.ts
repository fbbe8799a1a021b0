/**
 * The built CLI (out/cli) runs only while it is newer than every file that went into it; an
 * edit, a deleted source, a missing or broken list of inputs sends vtdw back to the sources.
 * Checked on a small fake package root, whose file times the test sets.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_BUNDLE_DIR, CLI_BUNDLE_ENTRY, CLI_BUNDLE_INPUTS, freshCliBundle } from '../../../src-main/cli/bundle/fresh.js';

const BUILT_AT = Date.parse('2026-01-01T12:00:00Z');

/** A package root with two sources written before the build and a bundle listing them. */
function builtRoot(list: unknown = { startedAt: BUILT_AT, inputs: ['src-main/cli/main.ts', 'package.json'] }): string {
  const root = mkdtempSync(join(tmpdir(), 'vtdw-built-cli-'));
  mkdirSync(join(root, 'src-main/cli'), { recursive: true });
  mkdirSync(join(root, CLI_BUNDLE_DIR), { recursive: true });
  for (const f of ['src-main/cli/main.ts', 'package.json']) {
    writeFileSync(join(root, f), '');
    utimesSync(join(root, f), new Date(BUILT_AT - 60_000), new Date(BUILT_AT - 60_000));
  }
  writeFileSync(join(root, CLI_BUNDLE_DIR, CLI_BUNDLE_ENTRY), '');
  writeFileSync(join(root, CLI_BUNDLE_DIR, CLI_BUNDLE_INPUTS), typeof list === 'string' ? list : JSON.stringify(list));
  return root;
}

describe('the built vtdw', () => {
  it('runs when every input is older than the build', () => {
    const root = builtRoot();
    expect(freshCliBundle(root)).toBe(join(root, CLI_BUNDLE_DIR, CLI_BUNDLE_ENTRY));
  });

  it('gives way to the sources when one of them was saved after the build started', () => {
    const root = builtRoot();
    utimesSync(join(root, 'src-main/cli/main.ts'), new Date(BUILT_AT + 1), new Date(BUILT_AT + 1));
    expect(freshCliBundle(root)).toBeUndefined();
  });

  it('gives way when an input is gone, or the bundle, or its list is missing or malformed', () => {
    const gone = builtRoot();
    rmSync(join(gone, 'package.json'));
    expect(freshCliBundle(gone)).toBeUndefined();
    const noEntry = builtRoot();
    rmSync(join(noEntry, CLI_BUNDLE_DIR, CLI_BUNDLE_ENTRY));
    expect(freshCliBundle(noEntry)).toBeUndefined();
    for (const bad of ['{', '{"inputs": []}', JSON.stringify({ startedAt: BUILT_AT, inputs: [7] })]) expect(freshCliBundle(builtRoot(bad))).toBeUndefined();
    expect(freshCliBundle(mkdtempSync(join(tmpdir(), 'vtdw-unbuilt-')))).toBeUndefined();
  });
});
