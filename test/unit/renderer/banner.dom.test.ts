import { beforeEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import ConnectionBanner from '../../../src-renderer/components/ConnectionBanner.vue';
import StatusBar from '../../../src-renderer/components/StatusBar.vue';
import { useSimStore } from '../../../src-renderer/stores/sim.ts';
import { PROTOCOL_VERSION } from '../../../src-shared/protocol/index.ts';

beforeEach(() => setActivePinia(createPinia()));

describe('what the window says about its simulator', () => {
  it('says the simulator stopped, why, and when it retries', () => {
    useSimStore().connection = { phase: 'lost', reason: 'simulator killed by SIGKILL', retryInMs: 1000, attempt: 2 };
    const w = mount(ConnectionBanner);
    expect(w.get('[data-testid=banner-lost]').text()).toBe('The simulator stopped (simulator killed by SIGKILL). Reconnecting in 1.0 s — recorded samples are kept.');
  });

  it('says plainly when window and simulator speak different protocol versions', () => {
    useSimStore().connection = { phase: 'incompatible', message: 'protocol version mismatch: the client speaks v2, this simulator (0.1.0) speaks v1' };
    const banner = mount(ConnectionBanner).get('[data-testid=banner-incompatible]').text();
    expect(banner).toContain('different builds');
    expect(banner).toContain('the client speaks v2');
    expect(mount(StatusBar).get('[data-testid=status-connection]').text()).toBe('Simulator incompatible');
  });

  it('shows virtual time, speed and seed from the last status', () => {
    const sim = useSimStore();
    sim.connection = { phase: 'connected', transport: 'websocket', protocolVersion: PROTOCOL_VERSION, simVersion: '0.1.0' };
    sim.status = { state: 'running', virtualNs: 83_456_789_012, speed: 10, seed: 7, eventsDispatched: 3, host: 'seed-core2-q35' };
    const w = mount(StatusBar);
    expect(w.get('[data-testid=status-virtual-time]').text()).toBe('t = 1:23.456789');
    expect(w.get('[data-testid=status-speed]').text()).toBe('speed 10×');
    expect(w.get('[data-testid=status-protocol]').text()).toBe(`protocol v${PROTOCOL_VERSION} · sim 0.1.0`);
  });
});
