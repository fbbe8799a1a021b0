/**
 * Where things are in JSON text, for error messages that say line:column: the offset of the
 * first syntax error (JSON.parse no longer says), and the offset of every value by its field
 * path ("pci[3].config[2]"), so a validation problem points at the text the user wrote.
 * A small recursive-descent scan of the JSON grammar (RFC 8259); no host APIs.
 */

export interface JsonScan {
  /** Offset of the first offending character, or -1 when the text is valid JSON. */
  errorAt: number;
  /** Field path → offset of its value's first character ("" is the top-level value). */
  values: Map<string, number>;
}

const MAX_DEPTH = 512;

export function scanJson(text: string): JsonScan {
  const values = new Map<string, number>();
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const lit = (w: string) => (text.startsWith(w, i) ? (i += w.length) : fail());
  const str = (): string => {
    if (text[i] !== '"') fail();
    const start = i;
    for (i++; i < text.length && text[i] !== '"'; i++) {
      if (text[i] < ' ') fail();
      if (text[i] === '\\') i++;
    }
    if (i >= text.length) fail();
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return text.slice(start + 1, i - 1);
    }
  };
  const value = (path: string, depth: number): void => {
    ws();
    if (depth > MAX_DEPTH) fail();
    values.set(path, i);
    const c = text[i];
    if (c === '{' || c === '[') return container(c, path, depth);
    if (c === '"') return void str();
    if (c === 't') return void lit('true');
    if (c === 'f') return void lit('false');
    if (c === 'n') return void lit('null');
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail();
    i += m![0].length;
  };
  const container = (c: '{' | '[', path: string, depth: number): void => {
    const close = c === '{' ? '}' : ']';
    i++;
    ws();
    if (text[i] === close) return void i++;
    for (let n = 0; ; n++) {
      let child = `${path}[${n}]`;
      if (c === '{') {
        ws();
        const key = str();
        child = path ? `${path}.${key}` : key;
        ws();
        if (text[i] !== ':') fail();
        i++;
      }
      value(child, depth + 1);
      ws();
      if (text[i] === ',') i++;
      else if (text[i] === close) return void i++;
      else fail();
    }
  };
  try {
    value('', 0);
    ws();
    return { errorAt: i < text.length ? i : -1, values };
  } catch (at) {
    return { errorAt: at as number, values };
  }
}

/** Offset of the first syntax error, or -1 for valid JSON. */
export function jsonErrorOffset(text: string): number {
  return scanJson(text).errorAt;
}

/** "line:column", both 1-based, of an offset in text. */
export function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, Math.max(0, offset)).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

/**
 * Where a field path's value starts; for a field that is missing, where its nearest present
 * parent starts (a missing key is reported at the object that lacks it).
 */
export function pathOffset(scan: JsonScan, path: string): number {
  let p = path === '(top level)' ? '' : path;
  for (;;) {
    const at = scan.values.get(p);
    if (at !== undefined) return at;
    if (!p) return 0;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.slice(0, cut) : '';
  }
}
