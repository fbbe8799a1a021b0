/**
 * GRUB 2's script language as grub.cfg files use it (grub-core/script: words with quotes and
 * `$var`/`${var}` expansion, `set`/bare `name=value` assignments, `if … then … elif … else … fi`).
 * Words are lexed into literal and variable parts; the parser expands them with the variables
 * the file set before, as GRUB does at run time. A variable GRUB or its environment provides
 * (`$grub_platform`, `$root`, `$prefix`, grubenv's `$saved_entry` …) and any the file never set
 * is unknown, and a word using it is `dynamic`: its text is not checked. A condition the editor
 * can decide (`true`, `[ A = B ]`, `[ -n A ]` with known words) takes one branch; one it cannot
 * makes both branches possible: their commands are `conditional` and the variables they set
 * hold every value a branch gives (Debian/Ubuntu 20_linux_xen's `xen_rm_opts`: '' on BIOS,
 * 'no-real-mode edd=off' on EFI).
 */
import type { DiagnosticSink } from './diagnostic.ts';

export type Seg = { k: 'lit'; s: string } | { k: 'var'; name: string; quoted: boolean };

export interface RawWord {
  segs: Seg[];
  start: number;
  end: number;
  /** Written without quotes, escapes or variables: offsets map 1:1 onto the text. */
  plain: boolean;
}

export type Tok = { kind: 'word'; word: RawWord } | { kind: 'sep'; text: '{' | '}' | ';' | '\n'; start: number; end: number };

const VAR_NAME = /^(?:[A-Za-z_][\w]*|[0-9]+|[?#*@])/;
/** Characters with no special meaning inside a word. */
const PLAIN_RUN = /[^ \t\r\n;{}$'"\\]+/y;

export function lineEnd(text: string, i: number): number {
  const n = text.indexOf('\n', i);
  return n < 0 ? text.length : text[n - 1] === '\r' ? n - 1 : n;
}

/** `$name` / `${name}` at text[i] ('$'): the reference and the offset after it, if it is one. */
function varRef(text: string, i: number): { name: string; end: number } | undefined {
  if (text[i + 1] === '{') {
    const close = text.indexOf('}', i + 2);
    if (close < 0) return undefined;
    return { name: text.slice(i + 2, close), end: close + 1 };
  }
  const m = VAR_NAME.exec(text.slice(i + 1, i + 64));
  return m ? { name: m[0], end: i + 1 + m[0].length } : undefined;
}

export function lexGrub2(text: string, sink: DiagnosticSink): Tok[] {
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
    const segs: Seg[] = [];
    let lit = '';
    const flush = () => {
      if (lit) segs.push({ k: 'lit', s: lit });
      lit = '';
    };
    let plain = true;
    while (i < text.length && !' \t\r\n;{}'.includes(text[i])) {
      const ch = text[i];
      if (ch === '$' && varRef(text, i)) {
        const r = varRef(text, i)!;
        plain = false;
        flush();
        segs.push({ k: 'var', name: r.name, quoted: false });
        i = r.end;
      } else if (ch === "'" || ch === '"') {
        plain = false;
        const close = closingQuote(text, i);
        if (close < 0) {
          sink.add('grub-syntax', 'error', `Unterminated ${ch === "'" ? 'single' : 'double'}-quoted string: GRUB 2 would not load the menu`, i, text.length, [
            sink.replace(`Close the string with ${ch}`, lineEnd(text, i), lineEnd(text, i), ch),
          ]);
          lit += text.slice(i + 1, lineEnd(text, i));
          i = lineEnd(text, i);
          break;
        }
        if (ch === "'") lit += text.slice(i + 1, close);
        else {
          for (let k = i + 1; k < close; ) {
            const r = text[k] === '$' ? varRef(text, k) : undefined;
            if (r && r.end <= close) {
              flush();
              segs.push({ k: 'var', name: r.name, quoted: true });
              k = r.end;
            } else if (text[k] === '\\' && '"\\$'.includes(text[k + 1])) {
              lit += text[k + 1];
              k += 2;
            } else lit += text[k++];
          }
        }
        i = close + 1;
      } else if (ch === '\\' && i + 1 < text.length && text[i + 1] !== '\n') {
        plain = false;
        lit += text[i + 1];
        i += 2;
      } else {
        // A run of ordinary characters at once.
        PLAIN_RUN.lastIndex = i;
        const run = PLAIN_RUN.exec(text);
        const n = run ? run[0].length : 1;
        lit += text.slice(i, i + n);
        i += n;
      }
    }
    flush();
    toks.push({ kind: 'word', word: { segs, start, end: i, plain } });
  }
  return toks;
}

function closingQuote(text: string, i: number): number {
  const q = text[i];
  for (let k = i + 1; k < text.length; k++) {
    if (q === '"' && text[k] === '\\') k++;
    else if (text[k] === q) return k;
  }
  return -1;
}

/** Possible values of each variable the file set; absent: unknown (GRUB's own, the environment's). */
export type VarEnv = Map<string, readonly string[]>;

/** A word as the commands see it: quotes removed, variables expanded, offsets of the written word. */
export interface GrubWord {
  text: string;
  start: number;
  end: number;
  /** True when written without quotes, escapes or variables (its offsets map 1:1 onto `text`). */
  plain: boolean;
  /** GRUB 2: uses a variable the editor cannot know (`$root`, `${extra_cmdline}`): not checked. */
  dynamic?: boolean;
  /** GRUB 2: one of the values of a variable set in branches the editor cannot decide. */
  maybe?: boolean;
}

/** A word after expansion: usually one; an unquoted variable may split into several or none. */
export function expandWord(w: RawWord, env: VarEnv): GrubWord[] {
  const segs = w.segs;
  let hasVar = false;
  for (const s of segs) {
    if (s.k !== 'var') continue;
    hasVar = true;
    if (!env.has(s.name)) return [{ text: segs.map((x) => (x.k === 'lit' ? x.s : `\${${x.name}}`)).join(''), start: w.start, end: w.end, plain: false, dynamic: true }];
  }
  if (!hasVar) return [{ text: segs.length === 1 ? (segs[0] as { s: string }).s : segs.map((x) => (x as { s: string }).s).join(''), start: w.start, end: w.end, plain: w.plain }];
  // Every combination of the variables' possible values (a few at most in real files).
  let alts: string[][] = [['']];
  for (const s of segs) {
    const values = s.k === 'lit' ? [s.s] : env.get(s.name)!;
    const next: string[][] = [];
    for (const fields of alts) {
      for (const v of values) {
        const f = fields.slice();
        // An unquoted expansion splits on blanks, as GRUB's argv building does.
        const parts = s.k === 'var' && !s.quoted ? v.split(/[ \t]+/) : [v];
        f[f.length - 1] += parts[0];
        for (let k = 1; k < parts.length; k++) f.push(parts[k]);
        next.push(f);
      }
    }
    alts = next.slice(0, 16);
  }
  const maybe = alts.length > 1;
  const keepEmpty = segs.some((s) => s.k === 'lit' || s.quoted);
  const out: GrubWord[] = [];
  const seen = new Set<string>();
  for (const fields of alts) {
    for (const f of fields) {
      if ((f === '' && !keepEmpty) || seen.has(f)) continue;
      seen.add(f);
      const word: GrubWord = { text: f, start: w.start, end: w.end, plain: false };
      if (maybe) word.maybe = true;
      out.push(word);
    }
  }
  return out;
}

/** The outcome of an `if`/`elif` test: true, false, or undefined when it depends on what the editor cannot know. */
export function decideTest(words: GrubWord[]): boolean | undefined {
  if (words.some((w) => w.dynamic || w.maybe)) return undefined;
  const t = words.map((w) => w.text);
  if (t.length === 1 && (t[0] === 'true' || t[0] === 'false')) return t[0] === 'true';
  const inner = t[0] === '[' && t[t.length - 1] === ']' ? t.slice(1, -1) : t[0] === 'test' ? t.slice(1) : undefined;
  if (!inner) return undefined;
  if (inner.length === 3 && (inner[1] === '=' || inner[1] === '==' || inner[1] === '!=')) return (inner[0] === inner[2]) === (inner[1] !== '!=');
  if (inner.length === 2 && inner[0] === '-n') return inner[1] !== '';
  if (inner.length === 2 && inner[0] === '-z') return inner[1] === '';
  return undefined;
}
