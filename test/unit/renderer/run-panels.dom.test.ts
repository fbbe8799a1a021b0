/**
 * The Run area's panels from outside: the Console renders only the rows in view of a long log
 * and filters by source; the Hypercalls panel shows a negative errno in red; the failure banner
 * names the stage and the file:line and sends the user to the editor at that line.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import ConsolePanel from '../../../src-renderer/views/run/ConsolePanel.vue';
import HypercallsPanel from '../../../src-renderer/views/run/HypercallsPanel.vue';
import RunControls from '../../../src-renderer/views/run/RunControls.vue';
import { useXenHostStore } from '../../../src-renderer/stores/xen-host.ts';
import { useNavigationStore } from '../../../src-renderer/stores/navigation.ts';
import { useSimStore } from '../../../src-renderer/stores/sim.ts';
import type { EventLine } from '../../../src-shared/protocol/index.ts';

beforeEach(() => setActivePinia(createPinia()));

const line = (i: number, source = i % 2 ? 'xen' : 'dom0'): EventLine => ({ t: i * 1000, source, text: `line ${i}` });

describe('the Console', () => {
  it('keeps only the rows in view of a 20,000-line log in the page', async () => {
    useXenHostStore().lines = Array.from({ length: 20_000 }, (_, i) => line(i));
    const w = mount(ConsolePanel);
    await w.vm.$nextTick();
    expect(w.get('[data-testid=console-count]').text()).toBe('20000 of 20000 lines');
    const rows = w.findAll('.row');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(100);
  });

  it('filters by source and says how many lines it shows', async () => {
    useXenHostStore().lines = Array.from({ length: 10 }, (_, i) => line(i));
    const w = mount(ConsolePanel);
    await w.get('[data-testid=console-source]').setValue('xen');
    expect(w.get('[data-testid=console-count]').text()).toBe('5 of 10 lines');
    expect(w.findAll('.row').every((r) => r.attributes('data-source') === 'xen')).toBe(true);
    expect(w.get('.row .text').text()).toBe('line 1');
  });
});

describe('the Hypercalls panel', () => {
  it('lists each hypercall with its result, a negative errno in red', () => {
    const call = { t: 1_500_000, caller: 0, hypercall: 'domctl', cmd: 37, domain: 1, args: { machine_bdf: '0x20000' } };
    useXenHostStore().hypercalls = [
      { ...call, op: 'XEN_DOMCTL_assign_device', result: 0, errno: '0' },
      { ...call, op: 'XEN_DOMCTL_assign_device', result: -22, errno: '-EINVAL' },
    ];
    const results = mount(HypercallsPanel).findAll('[data-testid=hypercall-result]');
    expect(results.map((r) => r.text())).toEqual(['0', '-EINVAL']);
    expect(results.map((r) => r.classes('errno'))).toEqual([false, true]);
  });
});

describe('the failure banner', () => {
  it('names the stage and file:line, and its link opens the editor at that line', async () => {
    useXenHostStore().failure = { stage: 'first-packet', message: 'fc5-vtd: no frame reached the guest', file: 'hvm.conf', line: 32, column: 1, docId: 'sample-hvm' };
    const w = mount(RunControls);
    expect(w.get('[data-testid=run-failure]').text()).toContain('The guest’s first packet failed in hvm.conf:32:1');
    await w.get('[data-testid=run-failure-open]').trigger('click');
    const nav = useNavigationStore();
    expect(nav.area).toBe('configuration');
    expect(nav.reveal).toMatchObject({ docId: 'sample-hvm', line: 32, column: 1 });
  });

  it('offers no link when the cause is not a line of an open document', () => {
    useXenHostStore().failure = { stage: 'destroy', message: "Error: Domain 'x' does not exist." };
    const w = mount(RunControls);
    expect(w.get('[data-testid=run-failure]').text()).toContain('xm destroy failed');
    expect(w.find('[data-testid=run-failure-open]').exists()).toBe(false);
  });
});

describe('the xen-host store', () => {
  it('appends batches in order, starts again at index 0, and reads the whole log after a gap', async () => {
    const handlers: Record<string, (d: unknown) => void> = {};
    const calls: string[] = [];
    const fake = {
      onEvent: (e: string, cb: (d: unknown) => void) => void (handlers[e] = cb),
      onMachineChanged: () => undefined,
      onState: () => undefined,
      call: async (method: string) => {
        calls.push(method);
        if (method === 'xen.events') return { lines: [line(0), line(1), line(2), line(3)], total: 4 };
        if (method === 'xen.hypercalls') return { records: [], total: 0 };
        return { booted: true, domains: [] };
      },
    };
    const store = useXenHostStore();
    store.bind(fake as never);
    handlers.events({ first: 0, lines: [line(0)] });
    handlers.events({ first: 1, lines: [line(1)] });
    expect(store.lines.map((l) => l.text)).toEqual(['line 0', 'line 1']);
    handlers.events({ first: 0, lines: [line(7)] });
    expect(store.lines.map((l) => l.text)).toEqual(['line 7']);
    handlers.events({ first: 3, lines: [line(3)] });
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toContain('xen.events');
    expect(store.lines).toHaveLength(4);
  });
});

describe('Send traffic', () => {
  const domain = { domid: 1, name: 'fc5-vtd', memoryMiB: 256, vcpus: 1, state: 'running' as const, pci: ['02:00.0'] };

  function bound(answer: (params: { count: number; payloadBytes: number }) => unknown) {
    const asked: unknown[] = [];
    const fake = {
      onEvent: () => undefined,
      onMachineChanged: () => undefined,
      onState: () => undefined,
      call: async (method: string, params: { count: number; payloadBytes: number }) => {
        asked.push({ method, params });
        return answer(params);
      },
    };
    const store = useXenHostStore();
    store.bind(fake as never);
    useSimStore().connection = { phase: 'connected' } as never;
    return { asked, store };
  }

  it('waits for a guest that holds a NIC', () => {
    bound(() => ({ streams: [] }));
    const w = mount(RunControls);
    expect(w.get('[data-testid=traffic-send]').attributes('disabled')).toBeDefined();
    expect(w.get('[data-testid=traffic-form]').text()).toContain('needs a guest holding a NIC');
  });

  it('asks the simulator for the stream typed in, and says what started', async () => {
    const { asked, store } = bound((p) => ({ streams: [{ bdf: '0000:02:00.0', peer: 'peer0', ...p }] }));
    store.domain = domain;
    const w = mount(RunControls);
    await w.get('[data-testid=traffic-count]').setValue('5000');
    await w.get('[data-testid=traffic-payload]').setValue('1000');
    await w.get('[data-testid=traffic-form]').trigger('submit');
    await new Promise((r) => setTimeout(r, 0));
    expect(asked).toEqual([{ method: 'peer.stream', params: { count: 5000, payloadBytes: 1000 } }]);
    expect(w.get('[data-testid=traffic-notice]').text()).toBe('Streaming 5,000 frames of 1000 bytes at line rate (peer0 → 0000:02:00.0); watch Mbit/s in Live');
  });

  it('refuses a size outside a normal frame before asking, and says the range', async () => {
    const { asked, store } = bound(() => ({ streams: [] }));
    store.domain = domain;
    const w = mount(RunControls);
    await w.get('[data-testid=traffic-payload]').setValue('9000');
    expect(w.get('[data-testid=traffic-send]').attributes('disabled')).toBeDefined();
    expect(w.get('[data-testid=traffic-form] [role=alert]').text()).toBe('payload: 46 to 1500 bytes');
    await w.get('[data-testid=traffic-form]').trigger('submit');
    expect(asked).toEqual([]);
  });

  it('shows the simulator’s refusal', async () => {
    const { store } = bound(() => Promise.reject(new Error('peer.stream: no guest holds a NIC; create a guest with one assigned first')));
    store.domain = domain;
    const w = mount(RunControls);
    await w.get('[data-testid=traffic-form]').trigger('submit');
    await new Promise((r) => setTimeout(r, 0));
    expect(w.get('[data-testid=traffic-notice]').text()).toBe('peer.stream: no guest holds a NIC; create a guest with one assigned first');
  });
});
