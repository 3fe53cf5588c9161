// The clock and timers the scheduler runs on: monotonic in production, fake in unit tests.

export interface MonotonicClock { now(): number }
export interface TimerApi {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const systemClock: MonotonicClock = { now: () => performance.now() };
export const systemTimers: TimerApi = {
  set: (fn, ms) => { const t = setTimeout(fn, ms); return t; },
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};
