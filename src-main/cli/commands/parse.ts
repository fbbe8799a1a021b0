/**
 * `vtdw parse FILE [--kind hvm|xl|grub] [--json]`: what the toolstack or the boot loader reads
 * from a config file. hvm.conf is evaluated like xm does (Python values as JSON: int/float →
 * number, str → string, list/tuple → array, dict → object, bool, None → null); xl.cfg is parsed
 * with xl's grammar; grub.conf becomes its entries, each command line split into options.
 * Only syntax and evaluation diagnostics are printed here; `vtdw check` runs the checks.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type CliIO, type Command } from '../io.ts';
import { analyzeGrub, bindingsJson, detectKind, evaluateHvm, sortDiagnostics, type ConfigKind, type Diagnostic } from '../../../src-shared/config/index.ts';
import { cmdOptions, defaultEntry, grubVariable, type GrubCommand, type GrubConfig } from '../../../src-shared/config/grub-parser.ts';
import { jsonText, pyRepr, type ExactJson } from '../../../src-shared/config/python-values.ts';
import { parseXl, xlBindings } from '../../../src-shared/config/xl-parser.ts';
import type { SourceText } from '../../../src-shared/config/source.ts';
import { MAX_TEXT_FILE_BYTES } from '../../../src-shared/files/api.ts';
import { problemWords, readRegularFile } from '../../files/regular-file.ts';

const KINDS = ['hvm', 'xl', 'grub'] as const;

/** errno in the words config errors use ("no such file", "is a directory"). */
function configErrnoWords(e: NodeJS.ErrnoException): string {
  const code = e.code;
  return code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : e.message;
}

/**
 * Reads a config file (a regular file of at most the editor's 4 MiB, see files/regular-file.ts);
 * prints why not and returns undefined when it cannot.
 */
export async function readConfig(file: string, io: CliIO, cmd: string): Promise<string | undefined> {
  const r = await readRegularFile(resolve(io.cwd, file), MAX_TEXT_FILE_BYTES);
  if (!r.ok) {
    io.err(`vtdw ${cmd}: ${file}: cannot read: ${problemWords(r.problem, configErrnoWords)}\n`);
    return undefined;
  }
  const buf = r.bytes;
  // A NUL byte (Python refuses such source, GRUB's menu never has one) or invalid UTF-8 is not a
  // text config: say where and why instead of parsing garbage.
  const nul = buf.indexOf(0);
  const bad = firstInvalidUtf8(buf);
  if (nul >= 0 && (bad < 0 || nul < bad)) {
    io.err(`vtdw ${cmd}: ${file}: binary file, not a text config: NUL byte at byte ${nul} (${where(buf, nul)})\n`);
    return undefined;
  }
  if (bad >= 0) {
    io.err(`vtdw ${cmd}: ${file}: not UTF-8 text: byte 0x${buf[bad].toString(16).padStart(2, '0')} at byte ${bad} (${where(buf, bad)}) does not start a valid UTF-8 character; save the file as UTF-8\n`);
    return undefined;
  }
  return buf.toString('utf8');
}

/** Offset of the first byte that does not begin a well-formed UTF-8 sequence (RFC 3629), or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    // Length and the allowed range of the second byte (no overlongs, no surrogates, ≤ U+10FFFF).
    const [n, lo, hi] = c >= 0xc2 && c <= 0xdf ? [1, 0x80, 0xbf] : c === 0xe0 ? [2, 0xa0, 0xbf] : c === 0xed ? [2, 0x80, 0x9f] : c >= 0xe1 && c <= 0xef ? [2, 0x80, 0xbf]
      : c === 0xf0 ? [3, 0x90, 0xbf] : c >= 0xf1 && c <= 0xf3 ? [3, 0x80, 0xbf] : c === 0xf4 ? [3, 0x80, 0x8f] : [0, 0, 0];
    if (n === 0 || i + n >= b.length) return i;
    if (b[i + 1] < lo || b[i + 1] > hi) return i;
    for (let k = 2; k <= n; k++) if (b[i + k] < 0x80 || b[i + k] > 0xbf) return i;
    i += n + 1;
  }
  return -1;
}

/** "line L, column C" of a byte offset, columns in characters as the editor counts them. */
function where(buf: Buffer, offset: number): string {
  const before = buf.subarray(0, offset);
  const lineStart = before.lastIndexOf(0x0a) + 1;
  const line = before.filter((x) => x === 0x0a).length + 1;
  return `line ${line}, column ${buf.subarray(lineStart, offset).toString('utf8').length + 1}`;
}

export function parseKind(text: string | undefined): ConfigKind | undefined {
  if (text === undefined) return undefined;
  if (!(KINDS as readonly string[]).includes(text)) throw new UsageError(`--kind ${JSON.stringify(text)}: expected one of ${KINDS.join(', ')}`);
  return text as ConfigKind;
}

/** `--var NAME=VALUE` (repeatable): xm's command-line variables, values kept as strings as xm does. */
export function parseVars(given: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const g of given ?? []) {
    const m = /^\s*([A-Za-z_]\w*)\s*=(.*)$/s.exec(g);
    if (!m) throw new UsageError(`--var ${JSON.stringify(g)}: expected NAME=VALUE (e.g. --var vmid=1)`);
    out[m[1]] = m[2].trim();
  }
  return out;
}

export function diagnosticLine(file: string, d: Diagnostic): string {
  return `${file}:${d.range.startLine}:${d.range.startColumn}: ${d.severity} ${d.code}: ${d.message}`;
}

export function diagnosticJson(file: string, d: Diagnostic) {
  return {
    file,
    line: d.range.startLine,
    column: d.range.startColumn,
    endLine: d.range.endLine,
    endColumn: d.range.endColumn,
    severity: d.severity,
    code: d.code,
    message: d.message,
    fixes: d.fixes.map((f) => ({
      title: f.title,
      // `file`: the edit belongs to another file (a guest's pci-not-hidden fixed in --grub).
      edits: f.edits.map((e) => ({ ...(e.file !== undefined ? { file: e.file } : {}), line: e.range.startLine, column: e.range.startColumn, endLine: e.range.endLine, endColumn: e.range.endColumn, text: e.text })),
    })),
  };
}

function commandJson(src: SourceText, c: GrubCommand) {
  let k = 0;
  while (k < c.args.length && c.args[k].text.startsWith('--')) k++;
  const rest = c.args.slice(k + 1);
  if (rest[0]?.text === 'placeholder') rest.shift();
  return {
    command: c.name,
    line: src.position(c.start).line,
    path: c.args[k]?.text ?? null,
    options: cmdOptions(rest).map((o) => (o.value === undefined ? { name: o.name } : { name: o.name, value: o.value })),
  };
}

const LOADERS = new Set(['kernel', 'multiboot', 'multiboot2', 'linux', 'linux16', 'chainloader']);
const MODULES = new Set(['module', 'module2', 'modulenounzip', 'initrd', 'initrd16']);

export function grubJson(g: GrubConfig) {
  const global = (name: string) => g.globals.find((c) => c.name === name)?.args[0]?.text ?? null;
  const boot = defaultEntry(g);
  return {
    flavor: g.flavor,
    default: g.flavor === 'legacy' ? global('default') : (g.globals.find((c) => c.name === 'set' && c.args[0]?.text.startsWith('default='))?.args[0].text.slice(8) ?? null),
    // GRUB 2: the value after the file ran; a set inside an undecided if gives every possible value.
    timeout: g.flavor === 'legacy' ? global('timeout') : grubVariable(g, 'timeout').value,
    entries: g.entries.map((e) => {
      const loader = e.commands.find((c) => LOADERS.has(c.name));
      const root = e.commands.find((c) => c.name === 'root' || (c.name === 'set' && c.args[0]?.text.startsWith('root=')));
      return {
        title: e.title,
        line: g.src.position(e.start).line,
        default: e === boot,
        root: root ? (root.name === 'root' ? root.args.map((a) => a.text).join(' ') : root.args[0].text.slice(5)) : null,
        kernel: loader ? commandJson(g.src, loader) : null,
        modules: e.commands.filter((c) => MODULES.has(c.name)).map((c) => commandJson(g.src, c)),
      };
    }),
  };
}

function grubText(file: string, j: ReturnType<typeof grubJson>): string {
  const out = [`${file}: GRUB ${j.flavor === 'legacy' ? 'legacy' : '2'}, default ${j.default ?? '0'}, timeout ${j.timeout ?? '-'}`];
  j.entries.forEach((e, i) => {
    out.push(`entry ${i}${e.default ? ' (default)' : ''}: ${e.title}  [line ${e.line}]`);
    if (e.root) out.push(`  root ${e.root}`);
    for (const c of [...(e.kernel ? [e.kernel] : []), ...e.modules]) {
      out.push(`  ${c.command.padEnd(7)} ${c.path ?? ''}`);
      for (const o of c.options) out.push(`          ${o.name}${'value' in o ? ` = ${o.value}` : ''}`);
    }
  });
  return out.join('\n') + '\n';
}

export const parse: Command = {
  summary: 'show what xm, xl or GRUB reads from a config file',
  usage: `Usage: vtdw parse FILE [--kind hvm|xl|grub] [--var NAME=VALUE]... [--json]

Evaluates an hvm.conf as xm would (the Python subset real configs use), parses an xl.cfg with
xl's grammar, or reads a grub.conf/grub.cfg into entries with their command lines split into
options. The kind is detected from the name and content unless --kind is given.
  --var NAME=VALUE  an xm command-line variable (xm create FILE vmid=1), for configs that
                   declare it with xm_vars.var(...) as Xen's xmexample2/3 do
  --json   print { "bindings": {...}, "diagnostics": [...] } (grub: { "entries": [...], ... })
Exit status: 0 parsed, 1 the file has errors or is bad (unreadable, not a regular file,
binary, over 4 MiB), 2 the command was called wrongly.`,
  async run(argv: string[], io: CliIO) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { kind: { type: 'string' }, json: { type: 'boolean' }, var: { type: 'string', multiple: true } } });
    const vars = parseVars(values.var);
    if (positionals.length !== 1) throw new UsageError(positionals.length ? `unexpected argument '${positionals[1]}'` : 'which file? (vtdw parse FILE)');
    const file = positionals[0];
    const forced = parseKind(values.kind);
    const text = await readConfig(file, io, 'parse');
    if (text === undefined) return 1;
    const kind = forced ?? detectKind(text, file);
    let diagnostics: Diagnostic[];
    if (kind === 'grub') {
      const g = analyzeGrub(text);
      diagnostics = sortDiagnostics(g.sink.list);
      const j = grubJson(g);
      if (values.json) io.out(JSON.stringify({ ...j, diagnostics: diagnostics.map((d) => diagnosticJson(file, d)) }, null, 2) + '\n');
      else io.out(grubText(file, j));
    } else {
      let bindings: Record<string, ExactJson>;
      let lines: string[];
      if (kind === 'xl') {
        const p = parseXl(text);
        diagnostics = sortDiagnostics(p.sink.list);
        bindings = xlBindings(p);
        lines = Object.entries(bindings).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
      } else {
        const ev = evaluateHvm(text, { vars });
        diagnostics = sortDiagnostics(ev.sink.list);
        bindings = bindingsJson(ev);
        lines = [...ev.bindings.values()].filter((b) => b.name in bindings).map((b) => `${b.name} = ${pyRepr(b.value)}`);
      }
      // Ints beyond 2^53 keep all their digits, as Python's json module prints them.
      if (values.json) io.out(jsonText({ bindings, diagnostics: diagnostics.map((d) => diagnosticJson(file, d)) } as unknown as ExactJson) + '\n');
      else io.out(lines.map((l) => l + '\n').join(''));
    }
    if (!values.json) for (const d of diagnostics) io.out(diagnosticLine(file, d) + '\n');
    return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
  },
};
