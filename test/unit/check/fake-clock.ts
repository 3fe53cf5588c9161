// A fake monotonic clock and timer API for scheduler/service unit tests.
import type { MonotonicClock, TimerApi } from '../../../src/check/clock.js';

export class FakeClock implements MonotonicClock, TimerApi {
  t = 0;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 1;
  now(): number { return this.t; }
  set(fn: () => void, ms: number): unknown { const id = this.nextId++; this.timers.push({ at: this.t + ms, fn, id }); return id; }
  clear(h: unknown): void { this.timers = this.timers.filter((x) => x.id !== h); }
  /** Advances time step by step, firing due timers and letting promise callbacks run in between. */
  async advance(ms: number, stepMs = 10): Promise<void> {
    const end = this.t + ms;
    while (this.t < end) {
      this.t = Math.min(end, this.t + stepMs);
      for (;;) {
        const due = this.timers.filter((x) => x.at <= this.t).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        this.timers = this.timers.filter((x) => x !== due);
        due.fn();
        await flush();
      }
      await flush();
    }
  }
}

export const flush = async (): Promise<void> => { for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r)); };
