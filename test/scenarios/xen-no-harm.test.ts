import { describe, expect, it } from 'vitest';
import { FRAMES, runNoHarm } from './support/no-harm.ts';

describe('no harm done: bystanders beside the assigned guest', () => {
  it('probe', () => {
    let t0 = performance.now();
    const r = runNoHarm('beside the assigned guest', (w) => { console.log(w, Math.round(performance.now() - t0)); t0 = performance.now(); });
    console.log(JSON.stringify({ pv: r.pv, emu: r.emu, assigned: r.assignedRx }, null, 1));
    expect(FRAMES).toBe(120);
  });
});
