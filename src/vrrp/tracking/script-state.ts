// rise/fall bookkeeping of one vrrp_script, as keepalived's vrrp_script_child_thread does it: a
// counter in 0..rise+fall-1; the script is OK when the counter is ≥ rise. From OK it takes `fall`
// consecutive failures to fail; from failed it takes `rise` consecutive successes to recover.
// Running the script is not done here (see src/vrrp/engine/track-script-runner.ts): this consumes
// its raw results.

export type ScriptStatus = 'init' | 'ok' | 'failed';

export class ScriptStateError extends Error {
  override readonly name = 'ScriptStateError';
}

export class TrackedScriptState {
  private result: number;
  private current: ScriptStatus;

  /**
   * @param initState keepalived's `init_fail`: start as failed (counter 0) instead of "init", where
   *   a single success is enough (counter rise-1).
   */
  constructor(
    readonly name: string,
    readonly rise = 1,
    readonly fall = 1,
    initState: 'init' | 'failed' = 'init',
  ) {
    if (!Number.isInteger(rise) || rise < 1) throw new ScriptStateError(`vrrp_script ${name}: rise must be ≥ 1, got ${rise}`);
    if (!Number.isInteger(fall) || fall < 1) throw new ScriptStateError(`vrrp_script ${name}: fall must be ≥ 1, got ${fall}`);
    this.result = initState === 'init' ? rise - 1 : 0;
    this.current = initState;
  }

  get status(): ScriptStatus {
    return this.current;
  }

  /** Feeds one run's outcome; returns the new status if it changed, else undefined. */
  report(success: boolean): ScriptStatus | undefined {
    const max = this.rise + this.fall - 1;
    const before = this.current;
    if (success) {
      if (this.result < this.rise - 1) this.result += 1;
      else if (this.result !== max) {
        this.result = max;
        this.current = 'ok';
      } else if (this.current === 'init') this.current = 'ok';
    } else {
      if (this.result > this.rise) this.result -= 1;
      else {
        if (this.result === this.rise || this.current !== 'failed') this.current = 'failed';
        this.result = 0;
      }
    }
    return this.current !== before ? this.current : undefined;
  }
}
