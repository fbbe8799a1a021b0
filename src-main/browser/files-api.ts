/**
 * Browser mode's file API, below the token path: /t/TOKEN/api/…. It stands in for Electron's
 * native dialogs: the page's picker lists folders (api/fs/list) and the user's choice opens or
 * saves a file; only chosen files can be saved over. Everything stays inside the workspace
 * root: a path leading outside it gets 403 and a log line. JSON in and out; bodies are
 * validated with the shared schemas and every refusal says which field or path and why.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as v from 'valibot';
import { Backup, MAX_TEXT_FILE_BYTES, OpenRequest, SaveAsRequest, SaveRequest, checkShape, type DirListing, type FileError, type FileResult } from '../../src-shared/files/api.ts';
import { describeFsError, type FileAccess } from '../files/file-access.ts';
import type { StateStore } from '../files/state-store.ts';
import type { WorkspaceRoot } from '../files/workspace-root.ts';
import { MAX_MESSAGE_DEPTH, jsonTooDeep } from '../../src-shared/protocol/limits.ts';

export interface FilesApiDeps {
  /** Confined to `root`. */
  files: FileAccess;
  state: StateStore;
  /** The workspace root: where the picker starts, and what it cannot leave. */
  root: WorkspaceRoot;
  now(): number;
  log(line: string): void;
}

const MAX_BODY = MAX_TEXT_FILE_BYTES * 2 + 65_536;

const STATUS: Record<FileError['code'], number> = {
  'bad-request': 400,
  'not-allowed': 403,
  'not-found': 404,
  'is-directory': 409,
  'not-regular': 409,
  conflict: 409,
  exists: 409,
  'too-large': 413,
  'not-text': 415,
  io: 500,
};

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}

function replyLogged<T>(res: ServerResponse, r: FileResult<T>, log: (line: string) => void): void {
  if (r.ok) return send(res, 200, r.value);
  const status = STATUS[r.error.code];
  // One line per refusal, whatever a page put in its path.
  if (status === 403) log(`403 files API: ${r.error.message.replace(/\p{Cc}/gu, '?')}`);
  send(res, status, r.error);
}

async function readJson(req: IncomingMessage): Promise<FileResult<unknown>> {
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
    return { ok: false, error: { code: 'bad-request', message: 'Content-Type must be application/json' } };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) return { ok: false, error: { code: 'too-large', message: `request body over ${MAX_BODY} bytes` } };
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (jsonTooDeep(text)) return { ok: false, error: { code: 'bad-request', message: `body: nested deeper than the ${MAX_MESSAGE_DEPTH}-level limit` } };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: { code: 'bad-request', message: `body: not JSON (${(err as Error).message})` } };
  }
}

/** One folder's files and subfolders (symlinks shown as what they lead to); nothing else. */
async function listDir(files: FileAccess, root: WorkspaceRoot, dir: string): Promise<FileResult<DirListing>> {
  const inside = await files.confine(files.resolve(dir));
  if (!inside.ok) return inside;
  const abs = inside.value;
  try {
    const dirents = await readdir(abs, { withFileTypes: true });
    const entries = [];
    for (const d of dirents) {
      const st = d.isFile() || d.isDirectory() || d.isSymbolicLink() ? await stat(join(abs, d.name)).catch(() => undefined) : undefined;
      if (!st || (!st.isFile() && !st.isDirectory())) continue;
      entries.push({ name: d.name, kind: st.isDirectory() ? ('dir' as const) : ('file' as const), size: st.isFile() ? st.size : 0 });
    }
    entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
    const parent = abs === root.dir ? null : dirname(abs);
    return { ok: true, value: { dir: abs, parent, root: root.dir, entries } };
  } catch (err) {
    return describeFsError(err, abs);
  }
}

/** Handles `rest` (the path below the token) if it is an API route; returns whether it did. */
export async function handleFilesApi(req: IncomingMessage, res: ServerResponse, rest: string, deps: FilesApiDeps): Promise<boolean> {
  if (!rest.startsWith('/api/')) return false;
  const url = new URL(rest, 'http://x');
  const route = `${req.method} ${url.pathname}`;
  const reply = <T>(res: ServerResponse, r: FileResult<T>) => replyLogged(res, r, deps.log);
  const body = async <T>(schema: v.GenericSchema<unknown, T>): Promise<FileResult<T>> => {
    const raw = await readJson(req);
    return raw.ok ? checkShape(schema, raw.value, 'body') : raw;
  };

  if (route === 'GET /api/host') {
    send(res, 200, { mode: 'browser', root: deps.root.dir });
  } else if (route === 'GET /api/fs/list') {
    reply(res, await listDir(deps.files, deps.root, url.searchParams.get('dir') || deps.root.dir));
  } else if (route === 'GET /api/files/recent') {
    // Files the app opened elsewhere (Electron, another root) are not this page's to see.
    const recent = await deps.state.recent();
    const inside = await Promise.all(recent.map(async (r) => (await deps.files.confine(r.path)).ok));
    send(res, 200, recent.filter((_, i) => inside[i]));
  } else if (route === 'POST /api/files/open') {
    const b = await body(OpenRequest);
    if (!b.ok) return reply(res, b), true;
    const r = await deps.files.open(b.value.path);
    if (r.ok) await deps.state.touchRecent(r.value.path, deps.now());
    reply(res, r);
  } else if (route === 'POST /api/files/save') {
    const b = await body(SaveRequest);
    if (!b.ok) return reply(res, b), true;
    reply(res, await deps.files.save(b.value.path, b.value.text, b.value.expectedMtimeMs));
  } else if (route === 'POST /api/files/save-as') {
    const b = await body(SaveAsRequest);
    if (!b.ok) return reply(res, b), true;
    const r = await deps.files.saveAs(b.value.path, b.value.text, b.value.overwrite ?? false);
    if (r.ok) await deps.state.touchRecent(r.value.path, deps.now());
    reply(res, r);
  } else if (route === 'POST /api/files/forget-recent') {
    const b = await body(OpenRequest);
    if (!b.ok) return reply(res, b), true;
    send(res, 200, await deps.state.forgetRecent(deps.files.resolve(b.value.path)));
  } else if (route === 'GET /api/backups') {
    send(res, 200, await deps.state.backups());
  } else if (route === 'PUT /api/backups') {
    const b = await body(Backup);
    if (!b.ok) return reply(res, b), true;
    await deps.state.putBackup(b.value);
    send(res, 200, {});
  } else if (req.method === 'DELETE' && url.pathname.startsWith('/api/backups/')) {
    const id = decodeURIComponent(url.pathname.slice('/api/backups/'.length));
    if (!/^[A-Za-z0-9_.-]{1,80}$/.test(id)) return reply(res, { ok: false, error: { code: 'bad-request', message: `backup id ${JSON.stringify(id)}: letters, digits, _ . - only` } }), true;
    await deps.state.dropBackup(id);
    send(res, 200, {});
  } else {
    send(res, 404, { code: 'not-found', message: `no API route ${route}` });
  }
  return true;
}
