import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeadlineScheduler } from '../../../src/vrrp/engine/deadline-scheduler.js';

// The scheduler arms a real setTimeout; node:test's mock timers drive it together with a fake clock.
test('deadline scheduler: fires due keys in deadline order, re-arms for re-set deadlines, ignores cleared ones', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let now = 0;
  const fired: Array<[string, number]> = [];
  const s = new DeadlineScheduler<string>((k, at) => {
    fired.push([k, at]);
    if (k === 'a' && fired.filter(([x]) => x === 'a').length < 3) s.set('a', at + 100);
  }, () => now);
  s.set('a', 100);
  s.set('b', 50);
  s.set('c', 70);
  s.delete('c');
  const advance = (ms: number): void => { now += ms; t.mock.timers.tick(ms); };
  advance(50);
  assert.deepEqual(fired, [['b', 50]]);
  advance(50);
  assert.deepEqual(fired, [['b', 50], ['a', 100]]);
  advance(100);
  advance(100);
  advance(100);
  assert.deepEqual(fired.map(([k]) => k), ['b', 'a', 'a', 'a']);
  assert.equal(s.get('a'), undefined);
});

test('deadline scheduler: keys due in the same wake-up are all handled, earliest first', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let now = 0;
  const fired: string[] = [];
  const s = new DeadlineScheduler<string>((k) => { fired.push(k); }, () => now);
  s.set('late', 30);
  s.set('early', 10);
  now = 40;
  t.mock.timers.tick(40);
  assert.deepEqual(fired, ['early', 'late']);
});
