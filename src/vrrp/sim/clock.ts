// A manual monotonic clock for deterministic simulations and tests.
export class SimClock {
  private t: number;
  constructor(start = 0) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  /** Moves time forward (never backward: the real clock is monotonic too). */
  advanceTo(t: number): void {
    if (t < this.t) throw new RangeError(`SimClock cannot go back from ${this.t} to ${t}`);
    this.t = t;
  }
}
