/**
 * How big and how deep one protocol message may be. Every message the page or the renderer
 * sends is small (a request with a few params), so the limits are generous for the protocol
 * and tight enough that a hostile page cannot make a host buffer megabytes or blow a stack:
 * JSON.stringify (and Node's IPC, which uses it) recurses once per nesting level.
 */

/** Largest message, in bytes of JSON text; a larger one is answered with a protocol error. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Largest WebSocket message the browser-mode host takes in at all: a larger one closes the
 * socket with 1009 as soon as its length is announced, before anything is buffered.
 */
export const MAX_FRAME_BYTES = 4 * MAX_MESSAGE_BYTES;

/** Deepest nesting of arrays and objects in one message; the protocol itself needs about 6. */
export const MAX_MESSAGE_DEPTH = 64;

/** The protocol error text for a message over the size limit. */
export function tooLargeMessage(bytes: number): string {
  return `message: ${bytes} bytes is over the ${MAX_MESSAGE_BYTES}-byte limit for one message`;
}

/** The protocol error text for a message nested deeper than the limit. */
export function tooDeepMessage(): string {
  return `message: nested deeper than the ${MAX_MESSAGE_DEPTH}-level limit for one message`;
}

/**
 * Whether JSON text nests arrays/objects deeper than `limit`, found in one pass without
 * recursion and before JSON.parse builds anything. Brackets inside strings do not count.
 */
export function jsonTooDeep(text: string, limit = MAX_MESSAGE_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * Why a structured value (as a MessagePort or Node IPC delivers it) breaks the limits, or
 * undefined: nested deeper than `MAX_MESSAGE_DEPTH`, or larger than `MAX_MESSAGE_BYTES` counted
 * as the least JSON text it could be (strings by length, 1 byte per other value). Walks with an
 * explicit stack, so a hostile depth cannot overflow ours, and visits each object once, so
 * shared sub-objects and cycles (structured clone keeps them) stay linear.
 */
export function valueOverLimits(value: unknown): string | undefined {
  const stack: [unknown, number][] = [[value, 0]];
  const seen = new Set<object>();
  let bytes = 0;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    bytes += typeof v === 'string' ? v.length + 2 : 1;
    if (bytes > MAX_MESSAGE_BYTES) return `message: more than the ${MAX_MESSAGE_BYTES}-byte limit for one message`;
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    if (depth + 1 > MAX_MESSAGE_DEPTH) return tooDeepMessage();
    seen.add(v);
    if (Array.isArray(v)) for (const child of v) stack.push([child, depth + 1]);
    else
      for (const [key, child] of Object.entries(v)) {
        if (child === undefined) continue; // JSON leaves such a key out
        bytes += key.length + 3;
        stack.push([child, depth + 1]);
      }
  }
  return undefined;
}
