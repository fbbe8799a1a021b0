/**
 * What the simulator last reported about itself and how we are connected to it: a view cache,
 * never a second model. Fed by the SimClient's listeners.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { SimStatus, Speed } from '../../src-shared/protocol/index.ts';
import type { ConnectionState, SimClient } from '../sim-client/index.ts';

export const useSimStore = defineStore('sim', () => {
  const connection = ref<ConnectionState>({ phase: 'connecting', attempt: 0 });
  const status = ref<SimStatus | null>(null);
  const invalidMessages = ref(0);
  const lastInvalid = ref<string | null>(null);
  /** Why the last connection ended, kept after reconnecting so the user can read it. */
  const lastLoss = ref<string | null>(null);
  const restarts = ref(0);
  let client: SimClient | undefined;

  const connected = computed(() => connection.value.phase === 'connected');

  function bind(c: SimClient): void {
    client = c;
    c.onState((s) => {
      if (s.phase === 'lost') {
        if (connection.value.phase === 'connected') restarts.value++;
        lastLoss.value = s.reason;
      }
      connection.value = s;
    });
    c.onStatus((s) => (status.value = s));
    c.onInvalidMessage((e) => {
      invalidMessages.value++;
      lastInvalid.value = e.message;
    });
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

  return { connection, status, invalidMessages, lastInvalid, lastLoss, restarts, connected, bind, setSpeed, pause, resume };
});
