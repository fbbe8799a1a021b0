/**
 * The event queue: a binary min-heap of armed timers ordered by (deadline, seq).
 *
 * Like QEMU's QEMUTimer and ns-3's Scheduler::EventKey, an event is not a closure in a list but
 * a named timer owned by a component, armed at most once at a time. The seq is taken when the
 * timer is armed, so timers due at the same nanosecond fire in the order they were armed; the
 * heap index kept on each timer makes re-arming and cancelling O(log n) without tombstones.
 */
import type { Ns } from './time.ts';

export interface QueueEntry {
  deadline: Ns;
  seq: number;
  /** Position in the heap, or -1 when not armed. */
  heapIndex: number;
}

function before(a: QueueEntry, b: QueueEntry): boolean {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
}

export class EventQueue<T extends QueueEntry> {
  private readonly heap: T[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  push(e: T): void {
    const heap = this.heap;
    e.heapIndex = heap.length;
    heap.push(e);
    this.siftUp(e.heapIndex);
  }

  pop(): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    if (last !== top) {
      heap[0] = last;
      last.heapIndex = 0;
      this.siftDown(0);
    }
    top.heapIndex = -1;
    return top;
  }

  remove(e: T): void {
    const i = e.heapIndex;
    if (i < 0) return;
    const heap = this.heap;
    const last = heap.pop()!;
    e.heapIndex = -1;
    if (last === e) return;
    heap[i] = last;
    last.heapIndex = i;
    if (i > 0 && before(last, heap[(i - 1) >> 1])) this.siftUp(i);
    else this.siftDown(i);
  }

  /** Entries in firing order; for snapshots and inspection, not for the hot path. */
  ordered(): T[] {
    return [...this.heap].sort((a, b) => (before(a, b) ? -1 : 1));
  }

  clear(): void {
    for (const e of this.heap) e.heapIndex = -1;
    this.heap.length = 0;
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const e = heap[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = heap[p];
      if (!before(e, parent)) break;
      heap[i] = parent;
      parent.heapIndex = i;
      i = p;
    }
    heap[i] = e;
    e.heapIndex = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const e = heap[i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(heap[r], heap[l]) ? r : l;
      const child = heap[c];
      if (!before(child, e)) break;
      heap[i] = child;
      child.heapIndex = i;
      i = c;
    }
    heap[i] = e;
    e.heapIndex = i;
  }
}
