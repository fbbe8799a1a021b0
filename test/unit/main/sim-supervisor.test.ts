import { describe, expect, it } from 'vitest';
import { SimSupervisor, type ChildLike } from '../../../src-main/sim-supervisor.ts';
import { isAppUrl, secureWebPreferences } from '../../../src-main/security.ts';

class FakeChild implements ChildLike {
  posted: unknown[][] = [];
  private exit?: (code: number) => void;
  killed = false;
  postMessage(msg: unknown, transfer: unknown[] = []) {
    this.posted.push([msg, ...transfer]);
  }
  on(_e: 'exit', cb: (code: number) => void) {
    this.exit = cb;
  }
  kill() {
    this.killed = true;
    return true;
  }
  die(code = 1) {
    this.exit?.(code);
  }
}

function harness() {
  const children: FakeChild[] = [];
  const timers: { cb: () => void; ms: number }[] = [];
  const events: string[] = [];
  let clock = 0;
  let ports = 0;
  const sup = new SimSupervisor<string>(
    {
      fork: () => {
        const c = new FakeChild();
        children.push(c);
        return c;
      },
      channel: () => ({ port1: `renderer-end-${++ports}`, port2: `sim-end-${ports}` }),
      setTimer: (cb, ms) => timers.push({ cb, ms }),
      clearTimer: () => undefined,
      now: () => clock,
    },
    {
      exited: (g, reason, next) => events.push(`exited ${g}: ${reason}; restart in ${next}`),
      restarted: (g) => events.push(`restarted ${g}`),
    },
  );
  return { sup, children, timers, events, advance: (ms: number) => (clock += ms) };
}

describe('the simulator supervisor in Electron main', () => {
  it('hands each window a fresh port and gives the other end to the simulator', () => {
    const h = harness();
    h.sup.start();
    expect(h.sup.connect()).toBe('renderer-end-1');
    expect(h.children[0].posted).toEqual([[{ type: 'connect' }, 'sim-end-1']]);
  });

  it('restarts a dead simulator with doubling backoff and tells the window', () => {
    const h = harness();
    h.sup.start();
    h.sup.pendingReason = 'crashed (exit code 139)';
    h.children[0].die(139);
    expect(h.sup.connect()).toBeUndefined();
    expect(h.events).toEqual(['exited 1: crashed (exit code 139); restart in 500']);
    h.timers.shift()!.cb();
    expect(h.events[1]).toBe('restarted 2');
    h.advance(1000);
    h.children[1].die(1);
    expect(h.events[2]).toBe('exited 2: exited with code 1; restart in 1000');
  });

  it('gives up after five deaths within a minute', () => {
    const h = harness();
    h.sup.start();
    for (let i = 0; i < 5; i++) {
      h.children[i].die(1);
      h.timers.shift()?.cb();
      h.advance(100);
    }
    expect(h.events[h.events.length - 1]).toMatch(/restart in null$/);
    expect(h.children).toHaveLength(5);
  });

  it('does not restart a simulator it was asked to stop', () => {
    const h = harness();
    h.sup.start();
    h.sup.stop();
    expect(h.children[0].killed).toBe(true);
    h.children[0].die(0);
    expect(h.events).toEqual([]);
  });
});

describe('the window security settings', () => {
  it('isolate and sandbox the page with no Node integration', () => {
    expect(secureWebPreferences('/p.cjs')).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
  });

  it('treat only app:// URLs as the app', () => {
    expect(isAppUrl('app://workbench/index.html')).toBe(true);
    expect(isAppUrl('https://example.com/')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('app://workbench.evil/')).toBe(false);
  });
});
