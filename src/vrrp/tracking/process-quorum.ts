// One vrrp_track_process's count and quorum, with keepalived's delays (core/track_process.c):
// a fork or an exit that changes whether the quorum holds starts fork_delay / terminate_delay, and
// the change only counts if it still holds when the delay ends; a change back meanwhile cancels
// the timer and the status never moves. A scan, an exec or a name change applies at once. Pure:
// timers come from the caller, so tests drive it with a fake clock.

import type { SetTimer } from '../timer.js';

export type CountChange = 'fork' | 'exit' | 'immediate';

export interface QuorumDef {
  name: string;
  /** Fewest processes for success (0 with quorum_max 0: "must not run"). */
  quorum: number;
  /** Most processes for success; undefined = unlimited. */
  quorumMax?: number;
  forkDelayMs: number;
  terminateDelayMs: number;
}

export interface QuorumTimers {
  set: SetTimer;
}

export class ProcessQuorum {
  private count = 0;
  private up: boolean;
  private cancelTimer: (() => void) | undefined;

  constructor(readonly def: QuorumDef, private readonly timers: QuorumTimers, private readonly onChange: (up: boolean, count: number) => void) {
    // Before the first scan nothing is counted: a quorum of 0 already holds, any other does not.
    this.up = this.holds();
  }

  get processes(): number {
    return this.count;
  }

  get hasQuorum(): boolean {
    return this.up;
  }

  /** A matching process appeared (+1) or went (−1), and why. */
  change(delta: 1 | -1, why: CountChange): void {
    this.count = Math.max(0, this.count + delta);
    this.settle(why);
  }

  /** A full count (initial scan, rescan after lost events, poll): applied at once. */
  setCount(n: number): void {
    this.count = n;
    this.settle('immediate');
  }

  dispose(): void {
    this.clearTimer();
  }

  private holds(): boolean {
    return this.count >= this.def.quorum && (this.def.quorumMax === undefined || this.count <= this.def.quorumMax);
  }

  private settle(why: CountChange): void {
    const now = this.holds();
    if (now === this.up) {
      // Back where it was before a delay ran out (a reforking parent, a restart): no change at all.
      this.clearTimer();
      return;
    }
    const delay = why === 'fork' ? this.def.forkDelayMs : why === 'exit' ? this.def.terminateDelayMs : 0;
    if (delay > 0) {
      this.cancelTimer ??= this.timers.set(() => { this.cancelTimer = undefined; this.apply(); }, delay);
      return;
    }
    this.apply();
  }

  private apply(): void {
    this.clearTimer();
    const now = this.holds();
    if (now === this.up) return;
    this.up = now;
    this.onChange(now, this.count);
  }

  private clearTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }
}
