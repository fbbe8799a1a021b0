/**
 * The Live area's shared time axis and drawing clock. Charts report new data; the timeline
 * redraws all of them together at most 60 times a second, on one virtual-time range, so their
 * axes line up under the shared cursor. Freezing (the button, or the pointer over a chart) stops
 * redrawing only: the charts keep collecting samples and show them when the view follows again.
 * The same holds while the Live area is hidden behind another area.
 */
import { computed, inject, ref, type InjectionKey } from 'vue';

export interface TimelineChart {
  /** First and last virtual second the chart holds, or null when it holds nothing. */
  extent(): [number, number] | null;
  /** Redraws on the shared range. */
  draw(range: [number, number] | null): void;
}

const MIN_FRAME_MS = 1000 / 60;

export interface FrameClock {
  request(cb: (t: number) => void): number;
  cancel(handle: number): void;
}

const browserClock: FrameClock = {
  request: (cb) => requestAnimationFrame(cb),
  cancel: (h) => cancelAnimationFrame(h),
};

export class LiveTimeline {
  /** Frozen by the user (the Freeze button). */
  readonly frozen = ref(false);
  /** Frozen while the pointer is over a chart, so the cursor's readout holds still. */
  readonly hovering = ref(false);
  /** Not on screen (the Live area is kept alive behind another area): nothing to draw for. */
  readonly hidden = ref(false);
  readonly paused = computed(() => this.frozen.value || this.hovering.value || this.hidden.value);
  /** Frames drawn so far (for tests and the record). */
  framesDrawn = 0;
  private readonly charts = new Set<TimelineChart>();
  private handle = 0;
  private lastFrame = Number.NEGATIVE_INFINITY;
  private dirty = false;

  constructor(private readonly clock: FrameClock = browserClock) {}

  add(chart: TimelineChart): () => void {
    this.charts.add(chart);
    this.invalidate();
    return () => this.charts.delete(chart);
  }

  /** Something changed: redraw on the next frame (unless paused; then when following again). */
  invalidate(): void {
    this.dirty = true;
    if (!this.handle && !this.paused.value) this.handle = this.clock.request((t) => this.frame(t));
  }

  setFrozen(f: boolean): void {
    this.frozen.value = f;
    if (!this.paused.value) this.invalidate();
  }

  setHidden(h: boolean): void {
    this.hidden.value = h;
    if (!this.paused.value) this.invalidate();
  }

  setHovering(h: boolean): void {
    this.hovering.value = h;
    if (!this.paused.value) this.invalidate();
  }

  /** The range every chart shows: from the oldest sample any chart holds to the newest. */
  range(): [number, number] | null {
    let lo = Infinity;
    let hi = -Infinity;
    for (const c of this.charts) {
      const e = c.extent();
      if (!e) continue;
      lo = Math.min(lo, e[0]);
      hi = Math.max(hi, e[1]);
    }
    if (hi === -Infinity) return null;
    return hi > lo ? [lo, hi] : [lo - 1, hi];
  }

  dispose(): void {
    if (this.handle) this.clock.cancel(this.handle);
    this.handle = 0;
    this.charts.clear();
  }

  private frame(t: number): void {
    this.handle = 0;
    if (this.paused.value || !this.dirty) return;
    // A 120 Hz display calls twice as often as we draw.
    if (t - this.lastFrame < MIN_FRAME_MS - 1) {
      this.handle = this.clock.request((t2) => this.frame(t2));
      return;
    }
    this.lastFrame = t;
    this.dirty = false;
    this.framesDrawn++;
    const range = this.range();
    for (const c of this.charts) c.draw(range);
  }
}

export const timelineKey: InjectionKey<LiveTimeline> = Symbol('live-timeline');

/** The timeline the Live view provides, or a private one (a chart on its own). */
export function useTimeline(): LiveTimeline {
  return inject(timelineKey, () => new LiveTimeline(), true);
}
