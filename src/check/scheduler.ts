// Runs thousands of checks without bursts: one timer armed for the earliest due job (a binary
// min-heap of due times on the monotonic clock), and at most `maxConcurrent` probes in flight —
// jobs that come due while the limit is reached wait in FIFO order. Lateness (start − due) is
// tracked so overload is visible instead of silent.
//
// The scheduler works on the job objects themselves: each carries its heap position and run
// state, so scheduling, firing and finishing a check touch no map and allocate nothing — at
// 5,000 checks a second the per-check bookkeeping is what the checker's own CPU is made of.

import type { MonotonicClock, TimerApi } from './clock.js';

/** The scheduler's fields on a job; a job object is only ever given to one scheduler. */
export interface SchedulerSlot {
  /** The scheduler's number for the job (-1: none); its heap position is kept by that number. */
  slot: number;
  /** When the run waiting in the ready queue came due. */
  due: number;
  running: boolean;
  /** In the ready queue, waiting for a free slot. */
  waiting: boolean;
  /** Due time of a run that came due while this one was running (NaN: none). */
  dueWhileRunning: number;
}

/** Fresh scheduler fields for a job object. */
export const schedulerSlot = (): SchedulerSlot => ({ slot: -1, due: Number.NaN, running: false, waiting: false, dueWhileRunning: Number.NaN });

export interface SchedulerStats {
  scheduled: number;
  running: number;
  waiting: number;
  started: number;
  maxLatenessMs: number;
  totalLatenessMs: number;
}

export class CheckScheduler<T extends SchedulerSlot> {
  // The heap of due times lives in typed arrays (due time and job number per position, and the
  // position of each job number), so sifting touches no job object and stores no pointers.
  private heapDue = new Float64Array(256);
  private heapSlot = new Int32Array(256);
  private heapSize = 0;
  /** Job number → heap position (-1: not scheduled). */
  private positionOf = new Int32Array(256).fill(-1);
  /** Job number → job. */
  private readonly jobs: Array<T | undefined> = [];
  private readonly freeSlots: number[] = [];
  /** FIFO of jobs that came due while maxConcurrent were running; `head` is its first live index. */
  private ready: Array<T | undefined> = [];
  private head = 0;
  private runningCount = 0;
  private draining = false;
  private timer: unknown;
  private timerDue = Infinity;
  private stopped = false;
  private started = 0;
  private maxLatenessMs = 0;
  private totalLatenessMs = 0;

  constructor(
    private readonly clock: MonotonicClock,
    private readonly timers: TimerApi,
    private readonly maxConcurrent: number,
    /** Starts the job; the job counts as running until finished(job) is called for it. */
    private readonly run: (job: T) => void,
    /**
     * A wake-up also starts the jobs due within this many ms after it, so thousands of checks
     * spread over a second wake the process at most 1000/coalesceMs times a second instead of
     * once per distinct millisecond. A check then starts at most this much early.
     */
    private readonly coalesceMs = 0,
  ) {}

  /** (Re)schedules `job` to run `delayMs` from now; replaces any pending run of it. */
  schedule(job: T, delayMs: number): void {
    if (this.stopped) return;
    if (job.waiting) this.unqueue(job);
    const due = this.clock.now() + Math.max(0, delayMs);
    if (job.slot < 0) this.assignSlot(job);
    const pos = this.positionOf[job.slot]!;
    if (pos >= 0) {
      this.heapDue[pos] = due;
      this.reposition(pos);
    } else {
      this.insert(job.slot, due);
    }
    this.arm();
  }

  /** Drops any pending run of `job` and forgets it; a run under way still ends with finished(). */
  cancel(job: T): void {
    if (job.waiting) this.unqueue(job);
    job.dueWhileRunning = Number.NaN;
    if (job.slot < 0) return;
    const pos = this.positionOf[job.slot]!;
    if (pos >= 0) this.removeAt(pos);
    this.jobs[job.slot] = undefined;
    this.freeSlots.push(job.slot);
    job.slot = -1;
  }

  /** The run started for `job` has ended: frees its slot and starts what is waiting. */
  finished(job: T): void {
    if (!job.running) return;
    job.running = false;
    this.runningCount -= 1;
    if (!Number.isNaN(job.dueWhileRunning)) {
      const due = job.dueWhileRunning;
      job.dueWhileRunning = Number.NaN;
      if (!this.stopped) this.enqueue(job, due);
    }
    this.drain();
  }

  get stats(): SchedulerStats {
    return {
      scheduled: this.heapSize,
      running: this.runningCount,
      waiting: this.ready.length - this.head,
      started: this.started,
      maxLatenessMs: this.maxLatenessMs,
      totalLatenessMs: this.totalLatenessMs,
    };
  }

  isScheduled(job: T): boolean { return job.slot >= 0 && this.positionOf[job.slot]! >= 0; }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    for (let i = this.head; i < this.ready.length; i++) this.ready[i]!.waiting = false;
    for (let i = 0; i < this.heapSize; i++) this.positionOf[this.heapSlot[i]!] = -1;
    this.heapSize = 0;
    this.ready = [];
    this.head = 0;
  }

  private assignSlot(job: T): void {
    const slot = this.freeSlots.pop() ?? this.jobs.length;
    if (slot === this.jobs.length) this.jobs.push(job); else this.jobs[slot] = job;
    if (slot >= this.positionOf.length) {
      const grown = new Int32Array(this.positionOf.length * 2).fill(-1);
      grown.set(this.positionOf);
      this.positionOf = grown;
    }
    this.positionOf[slot] = -1;
    job.slot = slot;
  }

  private arm(): void {
    if (this.heapSize === 0 || this.stopped) return;
    const top = this.heapDue[0]!;
    if (top >= this.timerDue && this.timer !== undefined) return;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timerDue = top;
    this.timer = this.timers.set(this.fire, Math.max(0, top - this.clock.now()));
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.timerDue = Infinity;
    const horizon = this.clock.now() + this.coalesceMs;
    while (this.heapSize > 0 && this.heapDue[0]! <= horizon) {
      const due = this.heapDue[0]!;
      const job = this.jobs[this.heapSlot[0]!]!;
      this.removeAt(0);
      this.enqueue(job, due);
    }
    this.drain();
    this.arm();
  };

  /** A job that is due: waits in the ready queue, or for its own run to end first. */
  private enqueue(job: T, due: number): void {
    if (job.running) { job.dueWhileRunning = due; return; }
    job.due = due;
    job.waiting = true;
    this.ready.push(job);
  }

  /** Rare (a job rescheduled or cancelled while waiting for a slot): a linear removal is fine. */
  private unqueue(job: T): void {
    const i = this.ready.indexOf(job, this.head);
    if (i >= 0) this.ready.splice(i, 1);
    job.waiting = false;
  }

  private drain(): void {
    // finished() may be called from inside run() (a job that ends at once): the outer loop
    // carries on instead of recursing once per ready job.
    if (this.draining) return;
    this.draining = true;
    try {
      while (!this.stopped && this.runningCount < this.maxConcurrent && this.head < this.ready.length) {
        const job = this.ready[this.head]!;
        this.ready[this.head] = undefined; // let it go for the GC
        this.head += 1;
        job.waiting = false;
        const late = Math.max(0, this.clock.now() - job.due);
        this.started += 1;
        this.totalLatenessMs += late;
        if (late > this.maxLatenessMs) this.maxLatenessMs = late;
        job.running = true;
        this.runningCount += 1;
        this.run(job);
      }
      // Compact the queue once it has been read through (or its dead prefix dominates).
      if (this.head === this.ready.length) { this.ready.length = 0; this.head = 0; }
      else if (this.head > 1024 && this.head * 2 > this.ready.length) { this.ready = this.ready.slice(this.head); this.head = 0; }
    } finally {
      this.draining = false;
    }
  }

  private insert(slot: number, due: number): void {
    if (this.heapSize === this.heapDue.length) {
      const d = new Float64Array(this.heapSize * 2); d.set(this.heapDue); this.heapDue = d;
      const s = new Int32Array(this.heapSize * 2); s.set(this.heapSlot); this.heapSlot = s;
    }
    const pos = this.heapSize++;
    this.heapDue[pos] = due;
    this.heapSlot[pos] = slot;
    this.positionOf[slot] = pos;
    this.up(pos);
  }

  private removeAt(pos: number): void {
    this.positionOf[this.heapSlot[pos]!] = -1;
    const last = --this.heapSize;
    if (pos === last) return;
    this.heapDue[pos] = this.heapDue[last]!;
    this.heapSlot[pos] = this.heapSlot[last]!;
    this.positionOf[this.heapSlot[pos]!] = pos;
    this.reposition(pos);
  }

  private reposition(pos: number): void {
    if (pos > 0 && this.heapDue[(pos - 1) >> 1]! > this.heapDue[pos]!) this.up(pos);
    else this.down(pos);
  }

  private up(i: number): void {
    const due = this.heapDue, slots = this.heapSlot, where = this.positionOf;
    const d = due[i]!, s = slots[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (due[p]! <= d) break;
      due[i] = due[p]!;
      slots[i] = slots[p]!;
      where[slots[i]!] = i;
      i = p;
    }
    due[i] = d;
    slots[i] = s;
    where[s] = i;
  }

  private down(i: number): void {
    const due = this.heapDue, slots = this.heapSlot, where = this.positionOf, n = this.heapSize;
    const d = due[i]!, s = slots[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && due[r]! < due[l]! ? r : l;
      if (due[c]! >= d) break;
      due[i] = due[c]!;
      slots[i] = slots[c]!;
      where[slots[i]!] = i;
      i = c;
    }
    due[i] = d;
    slots[i] = s;
    where[s] = i;
  }
}
