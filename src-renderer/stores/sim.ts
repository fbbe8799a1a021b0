/**
 * What the simulator last reported about itself and how we are connected to it: a view cache,
 * never a second model. Fed by the SimClient's listeners.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { SimStatus, Speed } from '../../src-shared/protocol/index.ts';
import type { ConnectionState, SimClient } from '../sim-client/index.ts';

/** Where the Configuration toolbar remembers era and host (check-context.ts writes it). */
export const CHECK_CONTEXT_KEY = 'vtdw.checkContext';

/** The host chosen in an earlier session, read without loading the editor's store. */
function rememberedHost(): string | null {
  try {
    const host = (JSON.parse(localStorage.getItem(CHECK_CONTEXT_KEY) ?? '{}') as { host?: unknown }).host;
    return typeof host === 'string' ? host : null;
  } catch {
    return null;
  }
}

export const useSimStore = defineStore('sim', () => {
  const connection = ref<ConnectionState>({ phase: 'connecting', attempt: 0 });
  const status = ref<SimStatus | null>(null);
  const invalidMessages = ref(0);
  const lastInvalid = ref<string | null>(null);
  /** Why the last connection ended, kept after reconnecting so the user can read it. */
  const lastLoss = ref<string | null>(null);
  const restarts = ref(0);
  /** The host profile the user chose; powered on whenever we connect to a simulator running another. */
  const wantedHost = ref<string | null>(null);
  /** Why the last power-on failed, if it did. */
  const powerOnError = ref<string | null>(null);
  /** Bumped when another machine is powered on: views that read the machine read it again. */
  const machineGeneration = ref(0);
  let client: SimClient | undefined;

  const connected = computed(() => connection.value.phase === 'connected');

  function bind(c: SimClient): void {
    client = c;
    wantedHost.value ??= rememberedHost();
    c.onState((s) => {
      if (s.phase === 'lost') {
        if (connection.value.phase === 'connected') restarts.value++;
        lastLoss.value = s.reason;
      }
      connection.value = s;
      if (s.phase === 'connected') void syncHost();
    });
    c.onStatus((s) => (status.value = s));
    c.onMachineChanged(() => machineGeneration.value++);
    c.onInvalidMessage((e) => {
      invalidMessages.value++;
      lastInvalid.value = e.message;
    });
  }

  /** Powers on `host` in the simulator (now if connected, else on connecting). */
  async function powerOn(host: string): Promise<void> {
    wantedHost.value = host;
    await syncHost();
  }

  async function syncHost(): Promise<void> {
    const host = wantedHost.value;
    if (!client || !host || connection.value.phase !== 'connected' || status.value?.host === host) return;
    try {
      status.value = await client.call('host.powerOn', { host });
      powerOnError.value = null;
    } catch (e) {
      powerOnError.value = `could not power on ${host}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  async function setSpeed(speed: Speed): Promise<void> {
    if (client) status.value = await client.call('sim.setSpeed', { speed });
  }

  async function pause(): Promise<void> {
    if (client) status.value = await client.call('sim.pause', {});
  }

  async function resume(): Promise<void> {
    if (client) status.value = await client.call('sim.resume', {});
  }

  return { connection, status, invalidMessages, lastInvalid, lastLoss, restarts, connected, wantedHost, powerOnError, machineGeneration, bind, powerOn, setSpeed, pause, resume };
});
