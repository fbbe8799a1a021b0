/**
 * The renderer build's JSON modules: each becomes `JSON.parse` of one string (fast for V8 to
 * take in at start), means exactly what the file says, and a file that is not JSON stops the
 * build with its name and the parser's reason.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonModuleCode } from '../../../src-main/cli/bundle/renderer-plugins.ts';

/** Runs a module's code the way a bundle would and returns its default export. */
function defaultExportOf(code: string): unknown {
  expect(code).toMatch(/^export default JSON\.parse\(".*"\);$/s);
  return new Function(`return ${code.slice('export default '.length)}`)();
}

describe('JSON modules in the renderer build', () => {
  it('turns a shipped host profile into JSON.parse of one string with the same value', () => {
    const path = new URL('../../../resources/hosts/seed-core2-q35.json', import.meta.url);
    const text = readFileSync(path, 'utf8');
    const code = jsonModuleCode(path.pathname, text);
    // One string literal: no object literal for V8 to compile as code.
    expect(code).not.toContain('{"profileVersion"');
    expect(defaultExportOf(code)).toEqual(JSON.parse(text));
  });

  it('keeps quotes, backslashes, non-ASCII text and line separators intact', () => {
    const value = { s: 'a "quoted" \\ path', n: 'naïve — ✓', sep: 'x\u2028y\u2029z', list: [1, 2.5, null, true] };
    expect(defaultExportOf(jsonModuleCode('odd.json', JSON.stringify(value, null, 2)))).toEqual(value);
  });

  it('refuses a file that is not JSON, naming it and saying why', () => {
    expect(() => jsonModuleCode('/repo/resources/hosts/broken.json', '{ "name": "x", }')).toThrow(/^\/repo\/resources\/hosts\/broken\.json: not valid JSON \(.+\)$/);
    expect(() => jsonModuleCode('empty.json', '')).toThrow(/^empty\.json: not valid JSON/);
  });
});
