/**
 * The file API between the renderer and whichever host it runs under (Electron main over IPC,
 * the browser-mode Node host over HTTP). File I/O never goes to the simulator. Requests and
 * results are validated with these schemas on both sides, like the simulator protocol.
 */
import * as v from 'valibot';

/** Text files we edit are small; anything larger is refused before it is read. */
export const MAX_TEXT_FILE_BYTES = 4 * 1024 * 1024;
export const MAX_RECENT_FILES = 10;

const Path = v.pipe(v.string(), v.minLength(1), v.maxLength(4096));

export const OpenedFile = v.strictObject({
  path: Path,
  text: v.string(),
  /** On-disk modification time when read; a save compares it to refuse overwriting an outside change. */
  mtimeMs: v.number(),
});
export type OpenedFile = v.InferOutput<typeof OpenedFile>;

export const SavedFile = v.strictObject({ path: Path, mtimeMs: v.number() });
export type SavedFile = v.InferOutput<typeof SavedFile>;

export const RecentFile = v.strictObject({ path: Path, openedAt: v.number() });
export type RecentFile = v.InferOutput<typeof RecentFile>;

/** `not-regular`: a device, a FIFO, a socket — nothing the editor may read or replace. */
export const FileErrorCode = v.picklist(['not-found', 'not-allowed', 'is-directory', 'not-regular', 'too-large', 'not-text', 'conflict', 'exists', 'io', 'bad-request']);
export type FileErrorCode = v.InferOutput<typeof FileErrorCode>;

export const FileError = v.strictObject({ code: FileErrorCode, message: v.string(), path: v.optional(v.string()) });
export type FileError = v.InferOutput<typeof FileError>;

export const OpenRequest = v.strictObject({ path: Path });
export const SaveRequest = v.strictObject({
  path: Path,
  text: v.pipe(v.string(), v.maxLength(MAX_TEXT_FILE_BYTES)),
  /** The mtime the editor last saw; absent to overwrite whatever is there. */
  expectedMtimeMs: v.optional(v.number()),
});
export const SaveAsRequest = v.strictObject({
  path: Path,
  text: v.pipe(v.string(), v.maxLength(MAX_TEXT_FILE_BYTES)),
  overwrite: v.optional(v.boolean()),
});

export const DirEntry = v.strictObject({ name: v.string(), kind: v.picklist(['file', 'dir']), size: v.number() });
/** `root`: browser mode's workspace root, which the picker cannot leave (`parent` is null there). */
export const DirListing = v.strictObject({ dir: Path, parent: v.nullable(Path), root: v.optional(Path), entries: v.array(DirEntry) });
export type DirListing = v.InferOutput<typeof DirListing>;

/** Unsaved editor text kept by the host so it survives a reload or a crash. */
export const Backup = v.strictObject({
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,80}$/)),
  /** The file it belongs to, or null for an untitled buffer. */
  path: v.nullable(Path),
  title: v.pipe(v.string(), v.maxLength(200)),
  language: v.pipe(v.string(), v.maxLength(40)),
  text: v.pipe(v.string(), v.maxLength(MAX_TEXT_FILE_BYTES)),
  savedAt: v.number(),
});
export type Backup = v.InferOutput<typeof Backup>;

export type FileResult<T> = { ok: true; value: T } | { ok: false; error: FileError };

/** Validates a value against a schema, naming the field that is wrong. */
export function checkShape<T>(schema: v.GenericSchema<unknown, T>, value: unknown, what: string): FileResult<T> {
  const r = v.safeParse(schema, value);
  if (r.success) return { ok: true, value: r.output };
  const issue = r.issues[0];
  const path = v.getDotPath(issue);
  return { ok: false, error: { code: 'bad-request', message: `${what}${path ? `.${path}` : ''}: ${issue.message}` } };
}
