// One timer for all VRRP instances of the process.
//
// Why one timer rather than a setTimeout per instance: each instance's state machine exposes only
// its next deadline (a monotonic ms value); the engine re-reads it after every event. With one
// timer armed for the earliest deadline, instances that fall due together (a sync group, or many
// instances with the same advert_int) are handled in one wake-up, in deadline order, and a
// re-computed deadline costs one Map update instead of a clearTimeout/setTimeout pair per instance.
// Node's setTimeout has 1 ms resolution and can fire late but never early relative to the event
// loop's clock; we compare against performance.now() (monotonic, never Date.now()) and treat a
// deadline within `slackMs` as due, so an advert is never postponed by a whole extra timer round
// because the loop woke a fraction of a millisecond early.

export type Clock = () => number;

export class DeadlineScheduler<K> {
  private readonly deadlines = new Map<K, number>();
  private timer: NodeJS.Timeout | undefined;
  private armedFor: number | undefined;
  private running = false;

  /** `onDue(key, now)` runs for each key whose deadline has passed; it should call `set` again. */
  constructor(
    private readonly onDue: (key: K, now: number) => void,
    private readonly clock: Clock = () => performance.now(),
    private readonly slackMs = 0.5,
  ) {}

  /** Sets (or clears, with undefined) the deadline of `key`. */
  set(key: K, deadline: number | undefined): void {
    if (deadline === undefined) this.deadlines.delete(key);
    else this.deadlines.set(key, deadline);
    if (!this.running) this.arm();
  }

  get(key: K): number | undefined {
    return this.deadlines.get(key);
  }

  delete(key: K): void {
    this.set(key, undefined);
  }

  /** Stops the timer; deadlines are kept so `resume()` can continue. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = undefined;
  }

  clear(): void {
    this.deadlines.clear();
    this.stop();
  }

  private earliest(): number | undefined {
    let min: number | undefined;
    for (const d of this.deadlines.values()) if (min === undefined || d < min) min = d;
    return min;
  }

  private arm(): void {
    const next = this.earliest();
    if (next === undefined) { this.stop(); return; }
    if (this.timer && this.armedFor === next) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = next;
    const delay = Math.max(0, next - this.clock());
    this.timer = setTimeout(() => this.fire(), delay);
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = undefined;
    this.running = true;
    try {
      // Loop until nothing is due: a handler may set a new deadline that is already due.
      for (let guard = 0; guard < 10000; guard++) {
        const now = this.clock();
        let dueKey: K | undefined;
        let dueAt = Infinity;
        for (const [k, d] of this.deadlines) if (d <= now + this.slackMs && d < dueAt) { dueKey = k; dueAt = d; }
        if (dueKey === undefined) break;
        this.deadlines.delete(dueKey);
        this.onDue(dueKey, now);
      }
    } finally {
      this.running = false;
      this.arm();
    }
  }
}
