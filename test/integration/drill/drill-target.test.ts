// `ka-ts drill --target PEER` run on the MASTER of a ka-ts pair (the lab's MASTER namespace stands
// in for a real director): demote through the local control socket, the peer takes over, the
// priority is restored afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rootSkipReason } from '../lib/netns.js';
import { KA_TS_MAIN } from '../../../src/ops/lab/processes.js';
import { labUp } from '../../../src/ops/lab/up.js';
import { labDown } from '../../../src/ops/lab/down.js';
import { labStatus } from '../../../src/ops/lab/status.js';
import type { DrillTimeline } from '../../../src/ops/drill/timeline.js';
import { exampleConf, leftoverNamespaces, uniqueLabName } from '../lab/lab-helpers.js';

function kaTsSkipReason(): string | undefined {
  const r = spawnSync(process.execPath, [KA_TS_MAIN, '--version'], { encoding: 'utf8', timeout: 20_000 });
  return r.status === 0 ? undefined : `the ka-ts entry (${KA_TS_MAIN}) does not start: ${(r.stderr ?? '').split('\n').find((l) => /error/i.test(l))?.trim() ?? `exit ${r.status}`}`;
}

test('drill --target PEER on a MASTER: demote, takeover by the peer, restore', { skip: rootSkipReason() ?? kaTsSkipReason(), timeout: 90_000 }, async () => {
  const name = uniqueLabName('t');
  try {
    const { state } = await labUp(await exampleConf(), { name, directors: ['ka-ts', 'ka-ts'], advertInt: 0.5 });
    const master = (await labStatus(name)).master!;
    const m = state.directors.find((d) => d.id === master)!;
    const peerIdx = master === 'd1' ? 1 : 0;
    const peerAddr = state.plan.networks.find((n) => n.ifname === state.plan.frontIf)!.directorAddrs[peerIdx];
    const r = spawnSync('ip', ['netns', 'exec', m.ns, process.execPath, KA_TS_MAIN, 'drill', '--target', peerAddr, '-f', m.conf, '--control-socket', m.controlSocket!, '--json'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const [t] = JSON.parse(r.stdout) as DrillTimeline[];
    assert.ok(t);
    assert.equal(t.verdictOn, 'takeover');
    assert.equal(t.newMaster, peerAddr);
    const at = Object.fromEntries(t.events.map((e) => [e.name, e.atMs]));
    assert.ok(at.firstAdvertNew! > at.fault!, 'the peer advertises after the demote');
    assert.ok(at.vipPresent! > at.fault!, 'the VIP left the demoted director');
    assert.ok(at.firstGarp! >= at.firstAdvertNew! - 50);
    assert.equal(at.firstClientOk, undefined, 'no client against a real pair');
    assert.ok(t.withinLimit, `takeover ${t.takeoverMs} ms ≤ ${t.limitMs} ms`);
    assert.match(r.stderr, /restoring priorities/);
  } finally {
    await labDown(name);
  }
  assert.deepEqual(leftoverNamespaces(name), []);
});
