// One checker's retry logic, as keepalived's checkers do it (check_tcp.c tcp_epilog and the
// other *_epilog functions): an UP checker that fails is retried `retry` times, `delay_before_retry`
// apart, before it is declared DOWN; a DOWN checker is simply re-probed every `delay_loop`; one
// success brings it UP. Pure: no clock, no I/O — it returns the delay until the next probe.

import type { CheckerTiming } from '../spec.js';

export interface CheckerRunState {
  isUp: boolean;
  hasRun: boolean;
  retryIt: number;
  /** Last weight a misc_dynamic result set (undefined until one did). */
  lastWeight?: number;
}

export interface CheckerStep {
  state: CheckerRunState;
  /** Delay until the next probe: delay_loop, or delay_before_retry while retrying. */
  delayMs: number;
  /** Set when this result changes what the checker reports to its real server. */
  transition?: 'up' | 'down';
  /** Set when a misc_dynamic result changes the weight. */
  weight?: number;
  retrying: boolean;
}

/**
 * keepalived at configuration time: `is_up = !alpha`, and `retry_it = retry` ("for non alpha
 * mode, one failure is enough initially"): a server that fails its very first check is taken
 * out at once instead of after the retries.
 */
export const initialCheckerState = (alpha: boolean, retry: number): CheckerRunState => ({ isUp: !alpha, hasRun: false, retryIt: retry });

export function stepChecker(prev: CheckerRunState, result: { ok: boolean; weight?: number }, timing: CheckerTiming): CheckerStep {
  const s: CheckerRunState = { ...prev };
  let delayMs = timing.delayLoopMs;
  let transition: CheckerStep['transition'];
  let retrying = false;
  let weight: number | undefined;

  if (result.ok && result.weight !== undefined && result.weight !== s.lastWeight) {
    weight = result.weight;
    s.lastWeight = result.weight;
  }

  if (result.ok) {
    s.retryIt = 0;
    // keepalived reports UP on the first run too (so an alpha server comes up on one success).
    if (!s.isUp || !s.hasRun) {
      transition = 'up';
      s.isUp = true;
    }
  } else if ((s.isUp || !s.hasRun) && s.retryIt >= timing.retry) {
    s.retryIt = 0;
    transition = 'down';
    s.isUp = false;
  } else if (s.isUp) {
    // Only a checker that is still up is retried; a down one waits a full delay_loop.
    s.retryIt += 1;
    delayMs = timing.delayBeforeRetryMs;
    retrying = true;
  }
  s.hasRun = true;
  const step: CheckerStep = { state: s, delayMs, retrying };
  if (transition) step.transition = transition;
  if (weight !== undefined) step.weight = weight;
  return step;
}
