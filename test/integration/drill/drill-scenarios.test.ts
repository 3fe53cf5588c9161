// Each drill scenario against a lab of two ka-ts directors and against one of two keepalived 2.2.7
// directors (advert_int 0.5, VRRPv3): the measured events are present and in protocol order, and
// the lab is restored after each. Demote needs ka-ts (keepalived has no runtime demote).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rootSkipReason } from '../lib/netns.js';
import { labUp } from '../../../src/ops/lab/up.js';
import { labDown } from '../../../src/ops/lab/down.js';
import { labStatus } from '../../../src/ops/lab/status.js';
import type { LabState } from '../../../src/ops/lab/state.js';
import { runLabDrill } from '../../../src/ops/drill/run-drill.js';
import { DrillError } from '../../../src/ops/drill/faults.js';
import type { DrillTimeline } from '../../../src/ops/drill/timeline.js';
import { exampleConf, leftoverNamespaces, uniqueLabName } from '../lab/lab-helpers.js';

const skip = rootSkipReason();

for (const kind of ['ka-ts', 'keepalived'] as const) describe(`drill scenarios, ${kind} directors`, () => {
const name = uniqueLabName(kind === 'ka-ts' ? 'k' : 's');
let state: LabState;

before(async () => {
  if (skip) return;
  state = (await labUp(await exampleConf(), { name, directors: [kind, kind], advertInt: 0.5 })).state;
});
after(async () => {
  if (skip) return;
  await labDown(name);
  assert.deepEqual(leftoverNamespaces(name), []);
});

function at(t: DrillTimeline): Record<string, number | undefined> {
  return Object.fromEntries(t.events.map((e) => [e.name, e.atMs]));
}

/** Checks common to every scenario: takeover seen, in order, and the pair healthy again afterwards. */
async function assertTakeover(t: DrillTimeline): Promise<Record<string, number>> {
  const a = at(t);
  for (const k of ['fault', 'lastAdvertOld', 'firstAdvertNew', 'vipPresent', 'firstGarp', 'firstClientOk']) assert.ok(a[k] !== undefined, `${t.scenario}: ${k} seen`);
  assert.notEqual(t.oldMaster, t.newMaster);
  assert.ok(a.firstAdvertNew! > a.fault!, 'new master advertises after the fault');
  assert.ok(a.lastAdvertOld! <= a.firstAdvertNew!);
  // ip monitor's time is when Node read the event; tcpdump's is the kernel's: allow 250 ms between them on a loaded machine.
  assert.ok(a.vipPresent! >= a.fault! && Math.abs(a.vipPresent! - a.firstGarp!) < 250, 'VIP added with the GARP');
  assert.ok(a.firstClientOk! >= a.fault!);
  assert.ok(t.clientGapMs !== undefined && t.clientGapMs <= t.limitMs, `${t.scenario}: gap ${t.clientGapMs} ms ≤ ${t.limitMs} ms`);
  const st = await labStatus(name);
  assert.equal(st.up, true, 'every lab process is running again');
  assert.ok(st.master, 'one MASTER after restore');
  return a as Record<string, number>;
}

test('stop: priority-0 advert, takeover after the skew only', { skip, timeout: 60_000 }, async () => {
  const t = await runLabDrill(state, { scenario: 'stop' });
  const a = await assertTakeover(t);
  assert.equal(t.priorityZeroSeen, true);
  assert.ok(a.lastAdvertOld! >= a.fault!, 'the stopping master sends its priority-0 advert after SIGTERM');
  assert.ok(a.firstAdvertNew! - a.lastAdvertOld! < 1400, 'no master-down wait after a priority-0 advert');
});

test('link-down: the master goes silent on that link, takeover after the master-down interval', { skip, timeout: 60_000 }, async () => {
  const t = await runLabDrill(state, { scenario: 'link-down' });
  const a = await assertTakeover(t);
  assert.equal(t.priorityZeroSeen, false);
  assert.ok(a.firstAdvertNew! - a.lastAdvertOld! >= 1400);
});

test('script-fail: tracked script fails, the master goes to FAULT with a priority-0 advert', { skip, timeout: 60_000 }, async () => {
  const t = await runLabDrill(state, { scenario: 'script-fail' });
  const a = await assertTakeover(t);
  assert.equal(t.priorityZeroSeen, true);
  assert.ok(a.lastAdvertOld! >= a.fault!);
});

if (kind === 'keepalived') {
  test('demote against a keepalived MASTER is refused with a clear error (keepalived has no runtime demote)', { skip, timeout: 30_000 }, async () => {
    await assert.rejects(runLabDrill(state, { scenario: 'demote' }), (e: unknown) => e instanceof DrillError && /demote needs a ka-ts MASTER/.test(e.message));
    assert.equal((await labStatus(name)).up, true);
  });
} else {
  test('demote: the control socket lowers the master\'s priority, the backup preempts, restore brings it back', { skip, timeout: 60_000 }, async () => {
    const t = await runLabDrill(state, { scenario: 'demote' });
    await assertTakeover(t);
  });
}
});
