/**
 * grub.conf / menu.lst of GRUB legacy (0.97: line-oriented `command [=] args`, entries opened by
 * `title`) and grub.cfg of GRUB 2 (shell-like words with quotes, `menuentry 'T' { … }` blocks,
 * `multiboot`/`module` or `multiboot2`/`module2` for Xen). Both become entries of commands whose
 * arguments keep their offsets, so the checks can point at a single `pciback.hid=` word.
 */
import { DiagnosticSink } from './diagnostic.ts';
import { SourceText } from './source.ts';
import type { CmdOption } from './xen-cmdline.ts';

export interface GrubWord {
  /** The word with quotes removed. */
  text: string;
  start: number;
  end: number;
  /** True when written without quotes or escapes (its offsets map 1:1 onto `text`). */
  plain: boolean;
}

export interface GrubCommand {
  name: string;
  nameStart: number;
  nameEnd: number;
  args: GrubWord[];
  start: number;
  end: number;
}

export interface GrubEntry {
  title: string;
  titleStart: number;
  titleEnd: number;
  start: number;
  end: number;
  commands: GrubCommand[];
}

export type GrubFlavor = 'legacy' | 'grub2';

export interface GrubConfig {
  flavor: GrubFlavor;
  src: SourceText;
  sink: DiagnosticSink;
  globals: GrubCommand[];
  entries: GrubEntry[];
}

export function detectGrubFlavor(text: string): GrubFlavor {
  return /^[ \t]*(menuentry|submenu|insmod|multiboot2?|set[ \t]+\w+=|linux16?|search)\b/m.test(text) ? 'grub2' : 'legacy';
}

export function parseGrub(text: string, flavor: GrubFlavor = detectGrubFlavor(text)): GrubConfig {
  const src = new SourceText(text);
  const sink = new DiagnosticSink(src);
  const cfg: GrubConfig = { flavor, src, sink, globals: [], entries: [] };
  if (flavor === 'legacy') parseLegacy(cfg);
  else parseGrub2(cfg);
  return cfg;
}

// ---- GRUB legacy -----------------------------------------------------------------------------

function parseLegacy(cfg: GrubConfig): void {
  const { src } = cfg;
  let entry: GrubEntry | undefined;
  for (let line = 1; line <= src.lineCount; line++) {
    const lineStart = src.lineStarts[line - 1];
    const t = src.lineText(line);
    const lead = /^\s*/.exec(t)![0].length;
    if (lead === t.length || t[lead] === '#') continue;
    // A line may even start with '=': then its first word is the (unknown) command.
    const m = /^([^\s=]+)([ \t]*=[ \t]*|[ \t]*)/.exec(t.slice(lead)) ?? /^(\S+)([ \t]*)/.exec(t.slice(lead))!;
    const name = m[1];
    const nameStart = lineStart + lead;
    const restStart = nameStart + m[0].length;
    const end = lineStart + t.length;
    if (name === 'title') {
      if (entry) entry.end = lastCommandEnd(entry);
      const title = t.slice(restStart - lineStart).trimEnd();
      entry = { title, titleStart: restStart, titleEnd: restStart + title.length, start: nameStart, end, commands: [] };
      cfg.entries.push(entry);
      continue;
    }
    const cmd: GrubCommand = { name, nameStart, nameEnd: nameStart + name.length, args: splitWords(src.text, restStart, end), start: nameStart, end };
    if (entry) {
      entry.commands.push(cmd);
      entry.end = end;
    } else cfg.globals.push(cmd);
  }
}

function lastCommandEnd(e: GrubEntry): number {
  return e.commands.length ? e.commands[e.commands.length - 1].end : e.titleEnd;
}

function splitWords(text: string, start: number, end: number): GrubWord[] {
  const out: GrubWord[] = [];
  let i = start;
  while (i < end) {
    while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
    const s = i;
    while (i < end && text[i] !== ' ' && text[i] !== '\t') i++;
    if (i > s) out.push({ text: text.slice(s, i), start: s, end: i, plain: true });
  }
  return out;
}

// ---- GRUB 2 ----------------------------------------------------------------------------------

type Tok = { kind: 'word'; word: GrubWord } | { kind: 'sep'; text: '{' | '}' | ';' | '\n'; start: number; end: number };

function lexGrub2(text: string, sink: DiagnosticSink): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\n' ? 2 : 3;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '\n' || c === ';' || c === '{' || c === '}') {
      toks.push({ kind: 'sep', text: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    const start = i;
    let word = '';
    let plain = true;
    while (i < text.length && !' \t\r\n;{}'.includes(text[i])) {
      const ch = text[i];
      if (ch === "'" || ch === '"') {
        plain = false;
        const close = text.indexOf(ch, i + 1);
        if (close < 0) {
          sink.add('grub-syntax', 'error', `unterminated ${ch === "'" ? 'single' : 'double'}-quoted string; GRUB 2 would not load the menu`, i, text.length, [
            sink.replace(`Close the string with ${ch}`, lineEnd(text, i), lineEnd(text, i), ch),
          ]);
          word += text.slice(i + 1, lineEnd(text, i));
          i = lineEnd(text, i);
          break;
        }
        word += ch === '"' ? text.slice(i + 1, close).replace(/\\(["\\$])/g, '$1') : text.slice(i + 1, close);
        i = close + 1;
      } else if (ch === '\\' && i + 1 < text.length && text[i + 1] !== '\n') {
        plain = false;
        word += text[i + 1];
        i += 2;
      } else {
        word += ch;
        i++;
      }
    }
    toks.push({ kind: 'word', word: { text: word, start, end: i, plain } });
  }
  return toks;
}

function lineEnd(text: string, i: number): number {
  const n = text.indexOf('\n', i);
  return n < 0 ? text.length : text[n - 1] === '\r' ? n - 1 : n;
}

function parseGrub2(cfg: GrubConfig): void {
  const toks = lexGrub2(cfg.src.text, cfg.sink);
  let i = 0;
  const stack: (GrubEntry | undefined)[] = [];
  let current: GrubEntry | undefined;
  while (i < toks.length) {
    const t = toks[i];
    if (t.kind === 'sep') {
      if (t.text === '}') {
        if (!stack.length) cfg.sink.add('grub-syntax', 'error', "unmatched '}'; GRUB 2 would not load the menu", t.start, t.end);
        else {
          if (current) current.end = t.end;
          current = stack.pop();
        }
      } else if (t.text === '{') cfg.sink.add('grub-syntax', 'error', "unexpected '{'", t.start, t.end);
      i++;
      continue;
    }
    const words: GrubWord[] = [];
    while (i < toks.length && toks[i].kind === 'word') words.push((toks[i++] as { word: GrubWord }).word);
    const head = words[0];
    const next = toks[i];
    const opensBlock = next && next.kind === 'sep' && next.text === '{';
    if ((head.text === 'menuentry' || head.text === 'submenu') && opensBlock) {
      const titleWord = words[1];
      const entry: GrubEntry = {
        title: titleWord?.text ?? '',
        titleStart: titleWord?.start ?? head.end,
        titleEnd: titleWord?.end ?? head.end,
        start: head.start,
        end: next.end,
        commands: [],
      };
      if (head.text === 'menuentry') cfg.entries.push(entry);
      stack.push(current);
      current = head.text === 'menuentry' ? entry : current;
      i++;
      continue;
    }
    if (opensBlock) {
      // function/if bodies: keep the commands, flatten the structure.
      stack.push(current);
      i++;
    }
    const cmd: GrubCommand = { name: head.text, nameStart: head.start, nameEnd: head.end, args: words.slice(1), start: head.start, end: words[words.length - 1].end };
    if (current) current.commands.push(cmd);
    else cfg.globals.push(cmd);
  }
  if (stack.length) {
    const at = cfg.src.text.length;
    cfg.sink.add('grub-syntax', 'error', "missing '}' at the end of the file; GRUB 2 would not load the menu", Math.max(0, at - 1), at, [cfg.sink.replace("Add the closing '}'", at, at, '\n}\n')]);
  }
}

// ---- Xen boot entries ------------------------------------------------------------------------

export interface XenBoot {
  /** `kernel` / `multiboot` / `multiboot2` loading the hypervisor. */
  loader: GrubCommand;
  hypervisorPath: GrubWord;
  xenOptions: CmdOption[];
  /** The first module: the dom0 kernel and its command line. */
  dom0?: GrubCommand;
  dom0Path?: GrubWord;
  dom0Options: CmdOption[];
  modules: GrubCommand[];
}

const LOADERS = new Set(['kernel', 'multiboot', 'multiboot2']);
const MODULES = new Set(['module', 'modulenounzip', 'module2']);

/** The entry read as a Xen boot entry, when its loader loads a hypervisor image named like xen*. */
export function xenBoot(e: GrubEntry): XenBoot | undefined {
  const loader = e.commands.find((c) => LOADERS.has(c.name));
  if (!loader) return undefined;
  const [path, rest] = pathAndArgs(loader.args);
  if (!path || !/(^|\/)xen[^/]*$/.test(path.text)) return undefined;
  const modules = e.commands.filter((c) => MODULES.has(c.name));
  const dom0 = modules[0];
  const [dom0Path, dom0Args] = dom0 ? pathAndArgs(dom0.args) : [undefined, []];
  return { loader, hypervisorPath: path, xenOptions: cmdOptions(rest), dom0, dom0Path, dom0Options: cmdOptions(dom0Args), modules };
}

function pathAndArgs(args: GrubWord[]): [GrubWord | undefined, GrubWord[]] {
  let k = 0;
  while (k < args.length && args[k].text.startsWith('--')) k++;
  const rest = args.slice(k + 1);
  // Debian/SUSE scripts pass "placeholder" as the image name; the kernel skips it.
  if (rest[0]?.text === 'placeholder') rest.shift();
  return [args[k], rest];
}

export function cmdOptions(words: GrubWord[]): CmdOption[] {
  return words.map((w) => {
    const eq = w.text.indexOf('=');
    const name = eq < 0 ? w.text : w.text.slice(0, eq);
    const value = eq < 0 ? undefined : w.text.slice(eq + 1);
    const nameEnd = w.plain ? w.start + name.length : w.end;
    return { name, value, start: w.start, end: w.end, nameEnd, valueStart: value !== undefined && w.plain ? w.start + eq + 1 : undefined };
  });
}

/** The entry GRUB boots: `default N` (legacy, 0-based) or `set default=N` (GRUB 2), else the first. */
export function defaultEntry(cfg: GrubConfig): GrubEntry | undefined {
  let idx = 0;
  for (const g of cfg.globals) {
    if (cfg.flavor === 'legacy' && g.name === 'default' && /^\d+$/.test(g.args[0]?.text ?? '')) idx = Number(g.args[0].text);
    if (cfg.flavor === 'grub2' && g.name === 'set') {
      const m = /^default=(\d+)$/.exec(g.args[0]?.text ?? '');
      if (m) idx = Number(m[1]);
    }
  }
  return cfg.entries[idx] ?? cfg.entries[0];
}
