// Runs thousands of checks without bursts: one timer armed for the earliest due job (a binary
// min-heap of due times on the monotonic clock), and at most `maxConcurrent` probes in flight —
// jobs that come due while the limit is reached wait in FIFO order. Lateness (start − due) is
// tracked so overload is visible instead of silent.

import type { MonotonicClock, TimerApi } from './clock.js';

interface Entry { due: number; id: string; seq: number }

export interface SchedulerStats {
  scheduled: number;
  running: number;
  waiting: number;
  started: number;
  maxLatenessMs: number;
  totalLatenessMs: number;
}

export class CheckScheduler {
  private heap: Entry[] = [];
  private readonly live = new Map<string, number>(); // id → seq of its current entry
  private readonly ready: Array<{ id: string; due: number }> = [];
  private readonly runningIds = new Set<string>();
  /** Came due while its previous run was still going: starts as soon as that run ends. */
  private readonly dueWhileRunning = new Map<string, number>();
  private seq = 0;
  private timer: unknown;
  private timerDue = Infinity;
  private stopped = false;
  readonly stats: SchedulerStats = { scheduled: 0, running: 0, waiting: 0, started: 0, maxLatenessMs: 0, totalLatenessMs: 0 };

  constructor(
    private readonly clock: MonotonicClock,
    private readonly timers: TimerApi,
    private readonly maxConcurrent: number,
    /** Runs the job; the scheduler counts it as running until the promise settles. */
    private readonly run: (id: string) => Promise<void>,
  ) {}

  /** (Re)schedules `id` to run `delayMs` from now; replaces any pending run of it. */
  schedule(id: string, delayMs: number): void {
    if (this.stopped) return;
    const e: Entry = { due: this.clock.now() + Math.max(0, delayMs), id, seq: ++this.seq };
    this.live.set(id, e.seq);
    this.push(e);
    this.arm();
  }

  cancel(id: string): void {
    this.live.delete(id);
  }

  isRunning(id: string): boolean { return this.runningIds.has(id); }
  isScheduled(id: string): boolean { return this.live.has(id); }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    this.heap = [];
    this.live.clear();
    this.ready.length = 0;
    this.dueWhileRunning.clear();
  }

  private arm(): void {
    const top = this.heap[0];
    if (!top || this.stopped) return;
    if (top.due >= this.timerDue && this.timer !== undefined) return;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timerDue = top.due;
    this.timer = this.timers.set(() => this.fire(), Math.max(0, top.due - this.clock.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.timerDue = Infinity;
    const now = this.clock.now();
    while (this.heap.length && this.heap[0]!.due <= now) {
      const e = this.pop()!;
      if (this.live.get(e.id) !== e.seq) continue; // superseded or cancelled
      this.live.delete(e.id);
      this.ready.push({ id: e.id, due: e.due });
    }
    this.drain();
    this.arm();
  }

  private drain(): void {
    while (!this.stopped && this.runningIds.size < this.maxConcurrent && this.ready.length) {
      const { id, due } = this.ready.shift()!;
      if (this.runningIds.has(id)) { this.dueWhileRunning.set(id, due); continue; }
      const late = Math.max(0, this.clock.now() - due);
      this.stats.started += 1;
      this.stats.totalLatenessMs += late;
      if (late > this.stats.maxLatenessMs) this.stats.maxLatenessMs = late;
      this.runningIds.add(id);
      // One settle handler for both outcomes (the job reports its own errors): thousands of jobs
      // a second make each promise and closure per job count.
      const settled = (): void => this.settled(id);
      this.run(id).then(settled, settled);
    }
    this.updateStats();
  }

  private settled(id: string): void {
    this.runningIds.delete(id);
    if (this.dueWhileRunning.size > 0) {
      const pendingDue = this.dueWhileRunning.get(id);
      if (pendingDue !== undefined) {
        this.dueWhileRunning.delete(id);
        if (!this.stopped) this.ready.push({ id, due: pendingDue });
      }
    }
    this.drain();
  }

  private updateStats(): void {
    this.stats.scheduled = this.live.size;
    this.stats.running = this.runningIds.size;
    this.stats.waiting = this.ready.length;
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.due <= e.due) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = e;
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (!h.length || !last) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && h[r]!.due < h[l]!.due ? r : l;
      if (h[c]!.due >= last.due) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    return top;
  }
}
