import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialCheckerState, stepChecker } from '../../../src/check/fsm/checker-fsm.js';
import { timing } from './spec-builders.js';

const ok = { ok: true };
const bad = { ok: false };

test('an up checker is retried `retry` times, delay_before_retry apart, then goes down', () => {
  const t = timing({ retry: 2, delayLoopMs: 5000, delayBeforeRetryMs: 700 });
  let s = initialCheckerState(false, t.retry);
  let step = stepChecker(s, ok, t);
  assert.equal(step.transition, 'up'); // first run reports up
  assert.equal(step.delayMs, 5000);
  s = step.state;
  step = stepChecker(s, bad, t);
  assert.deepEqual([step.transition, step.delayMs, step.retrying], [undefined, 700, true]);
  step = stepChecker(step.state, bad, t);
  assert.deepEqual([step.transition, step.delayMs, step.retrying], [undefined, 700, true]);
  step = stepChecker(step.state, bad, t);
  assert.deepEqual([step.transition, step.delayMs, step.retrying], ['down', 5000, false]);
  // Down: no more retries, no repeated transition, polled every delay_loop.
  step = stepChecker(step.state, bad, t);
  assert.deepEqual([step.transition, step.delayMs, step.retrying], [undefined, 5000, false]);
  step = stepChecker(step.state, ok, t);
  assert.equal(step.transition, 'up');
});

test('a success during retries resets the retry counter', () => {
  const t = timing({ retry: 1 });
  let step = stepChecker(stepChecker(initialCheckerState(false, t.retry), ok, t).state, bad, t);
  assert.equal(step.retrying, true);
  step = stepChecker(step.state, ok, t);
  assert.equal(step.transition, undefined);
  step = stepChecker(step.state, bad, t);
  assert.equal(step.retrying, true, 'a fresh failure is retried again');
});

test('retry 0 declares down on the first failure', () => {
  const step = stepChecker(stepChecker(initialCheckerState(false, 0), ok, timing({ retry: 0 })).state, bad, timing({ retry: 0 }));
  assert.equal(step.transition, 'down');
});

test('non-alpha: a failure on the very first run takes the server down at once (keepalived sets retry_it = retry)', () => {
  const t = timing({ retry: 3 });
  const f = stepChecker(initialCheckerState(false, t.retry), bad, t);
  assert.deepEqual([f.transition, f.retrying, f.delayMs], ['down', false, t.delayLoopMs]);
});

test('alpha: starts down, a first failure is not retried, one success brings it up', () => {
  const t = timing({ retry: 3, alpha: true });
  const s = initialCheckerState(true, t.retry);
  assert.equal(s.isUp, false);
  const f = stepChecker(s, bad, t);
  assert.deepEqual([f.transition, f.retrying, f.delayMs], ['down', false, t.delayLoopMs]);
  assert.equal(stepChecker(f.state, ok, t).transition, 'up');
});

test('misc_dynamic weight is reported only when it changes', () => {
  const t = timing();
  const a = stepChecker(initialCheckerState(false, t.retry), { ok: true, weight: 8 }, t);
  assert.equal(a.weight, 8);
  const b = stepChecker(a.state, { ok: true, weight: 8 }, t);
  assert.equal(b.weight, undefined);
  assert.equal(stepChecker(b.state, { ok: true, weight: 3 }, t).weight, 3);
});
