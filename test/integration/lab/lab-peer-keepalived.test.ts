// A mixed lab: d1 runs ka-ts (the daemon entry, nft backend), d2 runs keepalived 2.2.7
// (`ka-ts lab up --peer keepalived`). Kill drill across the pair, then demote through ka-ts's
// control socket. Runs only when the ka-ts daemon entry can start at all (it is built by another
// part of the team); the skip message says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rootSkipReason } from '../lib/netns.js';
import { KA_TS_MAIN } from '../../../src/ops/lab/processes.js';
import { labUp } from '../../../src/ops/lab/up.js';
import { labDown } from '../../../src/ops/lab/down.js';
import { labStatus } from '../../../src/ops/lab/status.js';
import { runLabDrill } from '../../../src/ops/drill/run-drill.js';
import { renderTable } from '../../../src/ops/drill/render-table.js';
import { exampleConf, leftoverNamespaces, uniqueLabName } from './lab-helpers.js';

function kaTsSkipReason(): string | undefined {
  const r = spawnSync(process.execPath, [KA_TS_MAIN, '--version'], { encoding: 'utf8', timeout: 20_000 });
  return r.status === 0 ? undefined : `the ka-ts daemon entry (${KA_TS_MAIN}) does not start yet: ${(r.stderr || r.error?.message || '').split('\n').find((l) => /error/i.test(l))?.trim() ?? 'exit ' + String(r.status)}`;
}

const skip = rootSkipReason() ?? kaTsSkipReason();

test('lab --peer keepalived: ka-ts and keepalived directors, kill and demote drills', { skip, timeout: 120_000 }, async () => {
  const name = uniqueLabName('p');
  try {
    const { state } = await labUp(await exampleConf(), { name, directors: ['ka-ts', 'keepalived'], advertInt: 0.5 });
    assert.deepEqual(state.directors.map((d) => d.kind), ['ka-ts', 'keepalived']);
    const kill = await runLabDrill(state, { scenario: 'kill' });
    process.stdout.write(renderTable(kill));
    assert.ok(kill.events.every((e) => e.atMs !== undefined), JSON.stringify(kill.events));
    assert.ok(kill.withinLimit, `gap ${kill.clientGapMs} ms ≤ ${kill.limitMs} ms`);
    // demote needs the ka-ts director as MASTER: a clean stop of keepalived hands it over.
    if ((await labStatus(name)).master === 'd2') await runLabDrill(state, { scenario: 'stop' });
    assert.equal((await labStatus(name)).master, 'd1');
    const demote = await runLabDrill(state, { scenario: 'demote' });
    process.stdout.write(renderTable(demote));
    assert.equal(demote.oldMaster, 'd1');
    const at = Object.fromEntries(demote.events.map((e) => [e.name, e.atMs]));
    assert.ok(at.firstAdvertNew! > at.fault! && at.firstGarp! >= at.fault!);
    assert.ok(demote.withinLimit);
  } finally {
    await labDown(name);
  }
  assert.deepEqual(leftoverNamespaces(name), []);
});
