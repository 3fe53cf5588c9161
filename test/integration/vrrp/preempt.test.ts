// Issue 3: preemption rules with ka-ts as the higher-priority newcomer and keepalived as the
// running master (priority 100):
//  - nopreempt: ka-ts (150, BACKUP, nopreempt) stays BACKUP while keepalived is master, and takes
//    over only when keepalived goes away;
//  - preempt_delay 2: ka-ts (150, BACKUP) waits the delay before preempting, then takes over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rootSkipReason } from '../lib/netns.js';
import { instance, takeoverMs, withScenario } from './scenario.js';

const VIP = '10.77.0.100';

test('nopreempt: ka-ts with the higher priority leaves keepalived master until it stops', { skip: rootSkipReason() }, () => withScenario(async (s) => {
  const low = s.start(1, 'keepalived', { routerId: 'low', instances: [instance({ priority: 100, state: 'MASTER' })] });
  await low.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
  const high = s.start(0, 'ka-ts', { routerId: 'high', instances: [instance({ priority: 150, state: 'BACKUP', nopreempt: true })] });
  await high.waitForState('VI_1', 'BACKUP', takeoverMs(0.2));
  // Many master-down intervals: a preempting backup would have taken over long before.
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal(high.lastState('VI_1'), 'BACKUP');
  assert.equal(await low.holds(VIP), true);
  assert.equal(await high.holds(VIP), false);
  assert.equal(s.wire.adverts(51, s.d1.mac).length, 0, 'the nopreempt backup never advertised');

  const t0 = Date.now();
  await low.stop();
  await high.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
  assert.equal(await high.holds(VIP), true);
  await s.wire.waitAnnouncement(VIP, s.d1.mac, t0, 3000);
}));

test('preempt_delay 2: ka-ts preempts keepalived only after the delay', { skip: rootSkipReason() }, () => withScenario(async (s) => {
  const low = s.start(1, 'keepalived', { routerId: 'low', instances: [instance({ priority: 100, state: 'MASTER' })] });
  await low.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
  const t0 = Date.now();
  const high = s.start(0, 'ka-ts', { routerId: 'high', instances: [instance({ priority: 150, state: 'BACKUP', preemptDelay: 2 })] });
  await high.waitForState('VI_1', 'BACKUP', takeoverMs(0.2));
  await new Promise((r) => setTimeout(r, Math.max(0, t0 + 1200 - Date.now())));
  assert.equal(high.lastState('VI_1'), 'BACKUP', 'still waiting out preempt_delay');
  assert.equal(await low.holds(VIP), true);

  await high.waitForState('VI_1', 'MASTER', takeoverMs(0.2) + 2000);
  const took = high.notifications().find((n) => n.state === 'MASTER')!.atMs;
  assert.ok(took - t0 >= 2000, `preempted ${took - t0} ms after start, before preempt_delay`);
  await low.waitForState('VI_1', 'BACKUP', 2000);
  assert.equal(await high.holds(VIP), true);
  assert.equal(await low.holds(VIP), false);
  await s.wire.waitAnnouncement(VIP, s.d1.mac, t0, 3000);
}));
