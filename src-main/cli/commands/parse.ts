/**
 * `vtdw parse FILE [--kind hvm|xl|grub] [--json]`: what the toolstack or the boot loader reads
 * from a config file. hvm.conf is evaluated like xm does (Python values as JSON: int/float →
 * number, str → string, list/tuple → array, dict → object, bool, None → null); xl.cfg is parsed
 * with xl's grammar; grub.conf becomes its entries, each command line split into options.
 * Only syntax and evaluation diagnostics are printed here; `vtdw check` runs the checks.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type CliIO, type Command } from '../io.ts';
import { analyzeGrub, bindingsJson, detectKind, evaluateHvm, sortDiagnostics, type ConfigKind, type Diagnostic } from '../../../src-shared/config/index.ts';
import { cmdOptions, defaultEntry, type GrubCommand, type GrubConfig } from '../../../src-shared/config/grub-parser.ts';
import { pyRepr } from '../../../src-shared/config/python-values.ts';
import { parseXl, xlBindings } from '../../../src-shared/config/xl-parser.ts';
import type { SourceText } from '../../../src-shared/config/source.ts';

const KINDS = ['hvm', 'xl', 'grub'] as const;

/** Reads a config file; prints why not and returns undefined when it cannot. */
export function readConfig(file: string, io: CliIO): string | undefined {
  try {
    const buf = readFileSync(resolve(io.cwd, file));
    // A NUL byte or invalid UTF-8 is not a text config; say so instead of parsing garbage.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return text;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : code ?? 'not valid UTF-8 text';
    io.err(`vtdw: ${file}: cannot read: ${why}\n`);
    return undefined;
  }
}

export function parseKind(text: string | undefined): ConfigKind | undefined {
  if (text === undefined) return undefined;
  if (!(KINDS as readonly string[]).includes(text)) throw new UsageError(`--kind ${JSON.stringify(text)}: expected one of ${KINDS.join(', ')}`);
  return text as ConfigKind;
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
      edits: f.edits.map((e) => ({ line: e.range.startLine, column: e.range.startColumn, endLine: e.range.endLine, endColumn: e.range.endColumn, text: e.text })),
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
    timeout: g.flavor === 'legacy' ? global('timeout') : (g.globals.find((c) => c.name === 'set' && c.args[0]?.text.startsWith('timeout='))?.args[0].text.slice(8) ?? null),
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
  usage: `Usage: vtdw parse FILE [--kind hvm|xl|grub] [--json]

Evaluates an hvm.conf as xm would (the Python subset real configs use), parses an xl.cfg with
xl's grammar, or reads a grub.conf/grub.cfg into entries with their command lines split into
options. The kind is detected from the name and content unless --kind is given.
  --json   print { "bindings": {...}, "diagnostics": [...] } (grub: { "entries": [...], ... })
Exit status: 0 parsed, 1 the file has errors, 2 bad call or unreadable file.`,
  async run(argv: string[], io: CliIO) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { kind: { type: 'string' }, json: { type: 'boolean' } } });
    if (positionals.length !== 1) throw new UsageError(positionals.length ? `unexpected argument '${positionals[1]}'` : 'which file? (vtdw parse FILE)');
    const file = positionals[0];
    const forced = parseKind(values.kind);
    const text = readConfig(file, io);
    if (text === undefined) return 2;
    const kind = forced ?? detectKind(text, file);
    let diagnostics: Diagnostic[];
    if (kind === 'grub') {
      const g = analyzeGrub(text);
      diagnostics = sortDiagnostics(g.sink.list);
      const j = grubJson(g);
      if (values.json) io.out(JSON.stringify({ ...j, diagnostics: diagnostics.map((d) => diagnosticJson(file, d)) }, null, 2) + '\n');
      else io.out(grubText(file, j));
    } else {
      let bindings: Record<string, unknown>;
      let lines: string[];
      if (kind === 'xl') {
        const p = parseXl(text);
        diagnostics = sortDiagnostics(p.sink.list);
        bindings = xlBindings(p);
        lines = Object.entries(bindings).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
      } else {
        const ev = evaluateHvm(text);
        diagnostics = sortDiagnostics(ev.sink.list);
        bindings = bindingsJson(ev);
        lines = [...ev.bindings.values()].filter((b) => b.name in bindings).map((b) => `${b.name} = ${pyRepr(b.value)}`);
      }
      if (values.json) io.out(JSON.stringify({ bindings, diagnostics: diagnostics.map((d) => diagnosticJson(file, d)) }, null, 2) + '\n');
      else io.out(lines.map((l) => l + '\n').join(''));
    }
    if (!values.json) for (const d of diagnostics) io.out(diagnosticLine(file, d) + '\n');
    return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
  },
};
