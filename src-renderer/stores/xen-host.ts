/**
 * The Xen host in the simulator as the app drives it: boot from the open grub.conf, `xm create`
 * the open hvm.conf, `xm destroy` it; the event log and the hypercall log as they stream in
 * (each batch says its first index, so a gap or a restart is noticed), who holds each device,
 * and the last failure with its file and line. A view cache: the simulator is the model.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, type ShallowRef } from 'vue';
import type { EventData, EventLine, HypercallEntry, RunFailure, XmDomain } from '../../src-shared/protocol/index.ts';
import type { SimClient } from '../sim-client/index.ts';
import { useDocumentsStore, type DocMeta } from './documents.ts';
import { CHECK_CONTEXT_KEY } from './sim.ts';
import { DEFAULT_ERA, isEra } from '../../src-shared/config/era.ts';

type Kind = 'grub' | 'hvm';
const LANGUAGES: Record<Kind, string[]> = { grub: ['grub-legacy', 'grub2'], hvm: ['xen-hvmconf'] };

/** The latest failure, and the document it points into (when it is open). */
export interface ShownFailure extends RunFailure {
  docId?: string;
}

/**
 * The era chosen in the Configuration toolbar (its store persists it under this key); read here
 * so the shell's chunk does not pull in the editor's.
 */
function chosenEra(): string {
  try {
    const era = (JSON.parse(localStorage.getItem(CHECK_CONTEXT_KEY) ?? '{}') as { era?: unknown }).era;
    return typeof era === 'string' && isEra(era) ? era : DEFAULT_ERA;
  } catch {
    return DEFAULT_ERA;
  }
}

export const useXenHostStore = defineStore('xen-host', () => {
  const lines = shallowRef<EventLine[]>([]);
  const hypercalls = shallowRef<HypercallEntry[]>([]);
  const ownership = shallowRef<EventData<'ownership'> | null>(null);
  const booted = ref<string | null>(null);
  const domain = ref<XmDomain | null>(null);
  const firstPacket = ref(false);
  const busy = ref<'boot' | 'create' | 'destroy' | null>(null);
  const failure = ref<ShownFailure | null>(null);
  const notice = ref<string | null>(null);
  /** What the last "Send traffic" started, or why it could not. */
  const traffic = ref<{ ok: boolean; text: string } | null>(null);
  let client: SimClient | undefined;

  const sources = computed(() => [...new Set(lines.value.map((l) => l.source))].sort());

  /** Appends a batch, or starts again when the simulator's log starts again (a new machine). */
  function append<T>(list: ShallowRef<T[]>, first: number, items: T[]): void {
    // A new array each batch: views derive filtered lists from it and must see it change.
    if (first === 0) list.value = [...items];
    else if (first === list.value.length) list.value = list.value.concat(items);
    else if (first > list.value.length) void refetch();
  }

  function bind(c: SimClient): void {
    client = c;
    c.onEvent('events', (d) => append(lines, d.first, d.lines));
    c.onEvent('hypercalls', (d) => append(hypercalls, d.first, d.records));
    c.onEvent('ownership', (d) => (ownership.value = d));
    c.onMachineChanged(() => {
      traffic.value = null;
      booted.value = null;
      domain.value = null;
      firstPacket.value = false;
    });
    c.onState((s) => {
      if (s.phase === 'connected') void refetch();
    });
  }

  /** Reads both logs whole (after a gap or on reconnecting). */
  async function refetch(): Promise<void> {
    if (!client) return;
    const all: EventLine[] = [];
    const calls: HypercallEntry[] = [];
    for (let total = 1; all.length < total; ) {
      const r = await client.call('xen.events', { from: all.length });
      total = r.total;
      if (!r.lines.length) break;
      all.push(...r.lines);
    }
    for (let total = 1; calls.length < total; ) {
      const r = await client.call('xen.hypercalls', { from: calls.length });
      total = r.total;
      if (!r.records.length) break;
      calls.push(...r.records);
    }
    lines.value = all;
    hypercalls.value = calls;
    const list = await client.call('xm.list', {});
    domain.value = list.domains.at(-1) ?? null;
  }

  /** The open document of a kind: the one in front if it is one, else the first. */
  function documentOf(kind: Kind): DocMeta | undefined {
    const docs = useDocumentsStore();
    const fits = (d: DocMeta | null) => !!d && LANGUAGES[kind].includes(d.language);
    return fits(docs.active) ? docs.active! : docs.docs.find(fits);
  }

  function fileOf(kind: Kind): { doc: DocMeta; name: string; text: string } | string {
    const doc = documentOf(kind);
    const text = doc && useDocumentsStore().textOf(doc.id);
    if (!doc || text === undefined) return `open a ${kind === 'grub' ? 'grub.conf' : 'hvm.conf'} under Configuration first`;
    return { doc, name: doc.path ?? doc.title, text };
  }

  function fail(f: RunFailure | undefined, doc: DocMeta | undefined): void {
    failure.value = f ? { ...f, docId: f.line !== undefined ? doc?.id : undefined } : null;
  }

  async function run<T>(what: 'boot' | 'create' | 'destroy', body: (c: SimClient) => Promise<T>): Promise<T | undefined> {
    if (!client || busy.value) return undefined;
    busy.value = what;
    notice.value = null;
    try {
      return await body(client);
    } catch (e) {
      failure.value = { stage: what === 'boot' ? 'boot' : what, message: e instanceof Error ? e.message : String(e) };
      return undefined;
    } finally {
      busy.value = null;
    }
  }

  async function boot(): Promise<void> {
    const f = fileOf('grub');
    if (typeof f === 'string') return void (failure.value = { stage: 'boot', message: f });
    await run('boot', async (c) => {
      const r = await c.call('xen.boot', { grub: { name: f.name, text: f.text }, era: chosenEra() });
      fail(r.failure, f.doc);
      booted.value = r.ok ? (r.title ?? f.name) : null;
      domain.value = null;
      firstPacket.value = false;
      if (r.ok) notice.value = `Xen booted "${booted.value}" from ${f.name}`;
    });
  }

  async function create(): Promise<void> {
    const f = fileOf('hvm');
    if (typeof f === 'string') return void (failure.value = { stage: 'create', message: f });
    await run('create', async (c) => {
      const r = await c.call('xm.create', { hvm: { name: f.name, text: f.text } });
      fail(r.failure, f.doc);
      domain.value = r.domain ?? domain.value;
      firstPacket.value = r.firstPacket;
      if (r.ok) notice.value = `Started domain ${r.domain?.name ?? ''}${r.firstPacket ? ': its e1000 driver received the first frame' : ''}`;
    });
  }

  async function destroy(): Promise<void> {
    const name = domain.value?.name;
    if (!name) return;
    await run('destroy', async (c) => {
      const r = await c.call('xm.destroy', { domain: name });
      fail(r.failure, undefined);
      if (r.ok) {
        domain.value = null;
        firstPacket.value = false;
        notice.value = `Destroyed domain ${name}`;
      }
    });
  }

  /** The link partner of each NIC the guest holds streams `count` frames of `payloadBytes` to it. */
  async function sendTraffic(count: number, payloadBytes: number): Promise<void> {
    if (!client) return;
    try {
      const r = await client.call('peer.stream', { count, payloadBytes });
      const to = r.streams.map((s) => `${s.peer} → ${s.bdf}`).join(', ');
      traffic.value = { ok: true, text: `Streaming ${count.toLocaleString('en-US')} frames of ${payloadBytes} bytes at line rate (${to}); watch Mbit/s in Live` };
    } catch (e) {
      traffic.value = { ok: false, text: e instanceof Error ? e.message : String(e) };
    }
  }

  return { lines, hypercalls, ownership, sources, booted, domain, firstPacket, busy, failure, notice, traffic, bind, boot, create, destroy, sendTraffic, documentOf };
});
