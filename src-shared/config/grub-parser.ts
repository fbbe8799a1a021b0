/**
 * grub.conf / menu.lst of GRUB legacy (0.97: line-oriented `command [=] args`, entries opened by
 * `title`) and grub.cfg of GRUB 2 (shell-like words with quotes, `menuentry 'T' { … }` blocks,
 * `multiboot`/`module` or `multiboot2`/`module2` for Xen). Both become entries of commands whose
 * arguments keep their offsets, so the checks can point at a single `pciback.hid=` word.
 */
import { DiagnosticSink } from './diagnostic.ts';
import { SourceText } from './source.ts';
import type { CmdOption } from './xen-cmdline.ts';
import { decideTest, expandWord, lexGrub2, type GrubWord, type RawWord, type VarEnv } from './grub2-script.ts';

export type { GrubWord } from './grub2-script.ts';

export interface GrubCommand {
  name: string;
  nameStart: number;
  nameEnd: number;
  args: GrubWord[];
  start: number;
  end: number;
  /** GRUB 2: inside an `if` (or loop) whose outcome the editor cannot decide. */
  conditional?: boolean;
  /** GRUB 2: the command word itself comes from a variable the editor cannot know. */
  dynamic?: boolean;
}

export interface GrubEntry {
  title: string;
  titleStart: number;
  titleEnd: number;
  start: number;
  end: number;
  commands: GrubCommand[];
  /** GRUB 2: the entry exists only if an undecided condition holds. */
  conditional?: boolean;
  /** GRUB 2: `--id` / `$menuentry_id_option` id. */
  id?: string;
  /** GRUB 2: inside a submenu (addressed as "N>M", not by a top-level index). */
  inSubmenu?: boolean;
}

export type GrubFlavor = 'legacy' | 'grub2';

export interface GrubConfig {
  flavor: GrubFlavor;
  src: SourceText;
  sink: DiagnosticSink;
  globals: GrubCommand[];
  entries: GrubEntry[];
  /** GRUB 2: the menu's top-level items in order (menuentry or submenu), for `set default=N`. */
  top: { entry?: GrubEntry; conditional: boolean; title: string; id?: string }[];
  /** GRUB 2: the variables at the end of the file (possible values; absent = unknown). */
  vars: VarEnv;
}

export function detectGrubFlavor(text: string): GrubFlavor {
  return /^[ \t]*(menuentry|submenu|insmod|multiboot2?|set[ \t]+\w+=|linux16?|search)\b/m.test(text) ? 'grub2' : 'legacy';
}

export function parseGrub(text: string, flavor: GrubFlavor = detectGrubFlavor(text)): GrubConfig {
  const src = new SourceText(text);
  const sink = new DiagnosticSink(src);
  const cfg: GrubConfig = { flavor, src, sink, globals: [], entries: [], top: [], vars: new Map() };
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

/** An `if`/`for` being parsed: the variables before it, each possible branch's, and what is decided. */
interface Frame {
  kind: 'if' | 'loop';
  before: VarEnv;
  branches: VarEnv[];
  /** The current branch runs (as far as the editor can tell). */
  active: boolean;
  /** The current branch may or may not run. */
  uncertain: boolean;
  /** A branch before this one was certainly taken. */
  taken: boolean;
  hasElse: boolean;
  parentActive: boolean;
}

const KEYWORD_PREFIX = new Set(['then', 'do', 'else']);

function parseGrub2(cfg: GrubConfig): void {
  const toks = lexGrub2(cfg.src.text, cfg.sink);
  let env: VarEnv = new Map();
  const frames: Frame[] = [];
  const active = () => frames.every((f) => f.active);
  const uncertain = () => frames.some((f) => f.uncertain);
  let i = 0;
  const stack: (GrubEntry | undefined)[] = [];
  let current: GrubEntry | undefined;
  let submenuDepth = 0;
  const blockKinds: ('entry' | 'submenu' | 'other')[] = [];
  while (i < toks.length) {
    const t = toks[i];
    if (t.kind === 'sep') {
      if (t.text === '}') {
        if (!stack.length) cfg.sink.add('grub-syntax', 'error', "Unmatched '}': GRUB 2 would not load the menu", t.start, t.end);
        else {
          if (current) current.end = t.end;
          current = stack.pop();
          if (blockKinds.pop() === 'submenu') submenuDepth--;
        }
      } else if (t.text === '{') cfg.sink.add('grub-syntax', 'error', "Unexpected '{': GRUB 2 would not load the menu", t.start, t.end);
      i++;
      continue;
    }
    const raw: RawWord[] = [];
    while (i < toks.length && toks[i].kind === 'word') raw.push((toks[i++] as { word: RawWord }).word);
    // `then cmd`, `else cmd`, `do cmd`: the keyword, then a command on the same line.
    while (raw.length && raw[0].plain && KEYWORD_PREFIX.has(wordText(raw[0]))) {
      const kw = wordText(raw.shift()!);
      if (kw === 'else') elseBranch(frames, env, (e) => (env = e));
    }
    if (!raw.length) continue;
    const head = raw[0];
    const headText = head.plain ? wordText(head) : undefined;
    const next = toks[i];
    const opensBlock = next && next.kind === 'sep' && next.text === '{';
    const words = raw.flatMap((w) => expandWord(w, env));
    if (headText === 'if' || headText === 'elif' || headText === 'while' || headText === 'until' || headText === 'for') {
      const test = raw.slice(1).flatMap((w) => expandWord(w, env));
      if (headText === 'elif') elifBranch(frames, env, (e) => (env = e), decideTest(test));
      else if (headText === 'if') frames.push(openFrame('if', env, active(), decideTest(test)));
      else frames.push(openFrame('loop', env, active(), undefined));
      continue;
    }
    if (headText === 'fi' || headText === 'done') {
      const f = frames.pop();
      if (!f) cfg.sink.add('grub-syntax', 'error', `'${headText}' without ${headText === 'fi' ? "'if'" : "'for'/'while'"}: GRUB 2 would not load the menu`, head.start, head.end);
      else env = closeFrame(f, env);
      continue;
    }
    if (!active()) {
      // A branch the editor knows GRUB skips; its blocks still nest.
      if (opensBlock) {
        stack.push(current);
        blockKinds.push('other');
        i++;
      }
      continue;
    }
    const conditional = uncertain();
    if ((headText === 'menuentry' || headText === 'submenu') && opensBlock) {
      const titleWord = words[1];
      const entry: GrubEntry = {
        title: titleWord?.text ?? '',
        titleStart: titleWord?.start ?? head.end,
        titleEnd: titleWord?.end ?? head.end,
        start: head.start,
        end: next.end,
        commands: [],
        ...(conditional ? { conditional } : {}),
        ...(entryId(raw, env) ? { id: entryId(raw, env) } : {}),
        ...(submenuDepth ? { inSubmenu: true } : {}),
      };
      if (headText === 'menuentry') cfg.entries.push(entry);
      if (!submenuDepth) cfg.top.push({ entry: headText === 'menuentry' ? entry : undefined, conditional, title: entry.title, id: entry.id });
      stack.push(current);
      blockKinds.push(headText === 'menuentry' ? 'entry' : 'submenu');
      if (headText === 'submenu') submenuDepth++;
      current = headText === 'menuentry' ? entry : current;
      i++;
      continue;
    }
    if (opensBlock) {
      // function bodies: keep the commands, flatten the structure.
      stack.push(current);
      blockKinds.push('other');
      i++;
    }
    assignment(words, env);
    const headWord = words[0] ?? { text: '', start: head.start, end: head.end, plain: false };
    const cmd: GrubCommand = { name: headWord.text, nameStart: head.start, nameEnd: head.end, args: words.slice(1), start: head.start, end: raw[raw.length - 1].end, ...(conditional ? { conditional } : {}), ...(headWord.dynamic ? { dynamic: true } : {}) };
    if (current) current.commands.push(cmd);
    else cfg.globals.push(cmd);
  }
  cfg.vars = env;
  if (stack.length || frames.length) {
    const at = cfg.src.text.length;
    const what = stack.length ? "'}'" : frames[frames.length - 1].kind === 'if' ? "'fi'" : "'done'";
    const close = stack.length ? '\n}\n' : frames[frames.length - 1].kind === 'if' ? '\nfi\n' : '\ndone\n';
    cfg.sink.add('grub-syntax', 'error', `Missing ${what} at the end of the file: GRUB 2 would not load the menu`, Math.max(0, at - 1), at, [cfg.sink.replace(`Add the closing ${what}`, at, at, close)]);
  }
}

function wordText(w: RawWord): string {
  return w.segs.map((s) => (s.k === 'lit' ? s.s : '')).join('');
}

/** `set name=value` or `name=value`: the variable's value from here on (branches merge at `fi`). */
function assignment(words: GrubWord[], env: VarEnv): void {
  const head = words[0]?.text;
  if (head === 'unset') for (const w of words.slice(1)) env.set(w.text, ['']);
  if (head === 'load_env') for (const name of ['saved_entry', 'next_entry', 'boot_once', 'default']) env.delete(name);
  const set = head === 'set' ? words[1] : words.length === 1 && /^[A-Za-z_]\w*=/.test(head ?? '') ? words[0] : undefined;
  if (!set) return;
  const eq = set.text.indexOf('=');
  if (eq <= 0) return;
  const name = set.text.slice(0, eq);
  if (set.dynamic || set.maybe) env.delete(name);
  else env.set(name, [set.text.slice(eq + 1)]);
}

function openFrame(kind: Frame['kind'], env: VarEnv, parentActive: boolean, test: boolean | undefined): Frame {
  return { kind, before: new Map(env), branches: [], active: test !== false, uncertain: test === undefined, taken: test === true, hasElse: false, parentActive };
}

function elifBranch(frames: Frame[], env: VarEnv, setEnv: (e: VarEnv) => void, test: boolean | undefined): void {
  const f = frames[frames.length - 1];
  if (!f) return;
  if (f.active) f.branches.push(env);
  setEnv(new Map(f.before));
  f.active = !f.taken && test !== false;
  f.uncertain = f.active && (test === undefined || f.uncertain);
  if (test === true && !f.uncertain) f.taken = true;
}

function elseBranch(frames: Frame[], env: VarEnv, setEnv: (e: VarEnv) => void): void {
  const f = frames[frames.length - 1];
  if (!f) return;
  if (f.active) f.branches.push(env);
  setEnv(new Map(f.before));
  f.hasElse = true;
  f.active = !f.taken;
}

/** The variables after `fi`: every value any possible branch leaves; unknown where a branch leaves it unset. */
function closeFrame(f: Frame, env: VarEnv): VarEnv {
  if (f.active) f.branches.push(env);
  if (!f.parentActive) return f.before;
  // The values before the if come first when no branch may run (no else, or a loop run no times).
  const possible = [...((!f.hasElse && !f.taken) || f.kind === 'loop' ? [f.before] : []), ...f.branches];
  if (possible.length === 1) return possible[0];
  const out: VarEnv = new Map();
  const names = new Set(possible.flatMap((e) => [...e.keys()]));
  for (const n of names) {
    if (!possible.every((e) => e.has(n))) continue;
    out.set(n, [...new Set(possible.flatMap((e) => e.get(n)!))]);
  }
  return out;
}

/** `--id ID` or `$menuentry_id_option 'ID'` (00_header sets it to --id where GRUB supports it). */
function entryId(raw: RawWord[], env: VarEnv): string | undefined {
  for (let k = 1; k < raw.length - 1; k++) {
    const w = raw[k];
    const isId = (w.plain && wordText(w) === '--id') || (w.segs.length === 1 && w.segs[0].k === 'var' && w.segs[0].name === 'menuentry_id_option');
    if (isId) return expandWord(raw[k + 1], env)[0]?.text;
  }
  return undefined;
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

/**
 * The entry GRUB boots and whether the file says so for certain: `default N` (legacy, 0-based),
 * `set default=N|TITLE|ID` (GRUB 2, the last one outside undecided branches). GRUB 2's default is
 * uncertain when it is `saved` or a variable (grubenv), names a submenu, or an undecided item comes
 * before it; then the first Xen entry is the best guess.
 */
export function bootChoice(cfg: GrubConfig): { entry?: GrubEntry; certain: boolean } {
  if (cfg.flavor === 'legacy') {
    let idx = 0;
    for (const g of cfg.globals) if (g.name === 'default' && /^\d+$/.test(g.args[0]?.text ?? '')) idx = Number(g.args[0].text);
    return { entry: cfg.entries[idx] ?? cfg.entries[0], certain: true };
  }
  const guess = () => ({ entry: cfg.entries.find((e) => !e.conditional && xenBoot(e)) ?? cfg.entries.find((e) => !e.conditional) ?? cfg.entries[0], certain: false });
  const set = [...cfg.globals].reverse().find((g) => g.name === 'set' && g.args[0]?.text.startsWith('default='));
  if (set?.conditional || set?.args[0].dynamic || set?.args[0].maybe) return guess();
  const value = set ? set.args[0].text.slice(8) : '0';
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    if (cfg.top.slice(0, n + 1).some((t) => t.conditional) || !cfg.top[n]?.entry) return n >= cfg.top.length && !cfg.top.some((t) => t.conditional) ? { entry: cfg.entries[0], certain: true } : guess();
    return { entry: cfg.top[n].entry, certain: true };
  }
  const byName = cfg.top.find((t) => t.title === value || t.id === value);
  return byName?.entry && !byName.conditional ? { entry: byName.entry, certain: true } : guess();
}

/** The entry GRUB boots (or, where the file leaves it open, the best guess: see bootChoice). */
export function defaultEntry(cfg: GrubConfig): GrubEntry | undefined {
  return bootChoice(cfg).entry;
}

/** A GRUB 2 variable's value as `set NAME=` leaves it: one value, several possible, or unknown. */
export function grubVariable(cfg: GrubConfig, name: string): { value: string | null; conditional: boolean } {
  if (cfg.flavor === 'legacy') return { value: cfg.globals.find((c) => c.name === name)?.args[0]?.text ?? null, conditional: false };
  const values = cfg.vars.get(name);
  if (values && values.length === 1) return { value: values[0], conditional: false };
  const written = cfg.globals.find((g) => g.name === 'set' && g.args[0]?.text.startsWith(`${name}=`));
  return { value: values ? values.join(' | ') : null, conditional: !!values || !!written };
}
