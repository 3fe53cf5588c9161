// The README's first commands, run as a user runs them (the ka-ts CLI, default ka-ts directors):
// `ka-ts lab up` → `ka-ts drill --lab --scenario kill --json --svg F` → `ka-ts lab down`.
// The client's gap must be within 3 × advert_int + skew + 0.2 s, and nothing may be left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootSkipReason } from '../lib/netns.js';
import { KA_TS_MAIN } from '../../../src/ops/lab/processes.js';
import type { DrillTimeline } from '../../../src/ops/drill/timeline.js';
import type { LabStatus } from '../../../src/ops/lab/status.js';
import { leftoverNamespaces, pidAlive, renderSvgToPng, uniqueLabName } from './lab-helpers.js';

function kaTs(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [KA_TS_MAIN, ...args], { encoding: 'utf8', timeout: 90_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function kaTsSkipReason(): string | undefined {
  const r = kaTs(['--version']);
  return r.code === 0 ? undefined : `the ka-ts entry (${KA_TS_MAIN}) does not start: ${r.stderr.split('\n').find((l) => /error/i.test(l))?.trim() ?? `exit ${r.code}`}`;
}

test('ka-ts lab up → ka-ts drill --lab --scenario kill → ka-ts lab down (ka-ts directors)', { skip: rootSkipReason() ?? kaTsSkipReason(), timeout: 150_000 }, () => {
  const name = uniqueLabName('c');
  const svg = join(mkdtempSync(join(tmpdir(), 'kt-lab-cli-')), 'drill.svg');
  let pids: number[] = [];
  try {
    const up = kaTs(['lab', 'up', '--name', name, '--advert-int', '0.5']);
    assert.equal(up.code, 0, up.stderr + up.stdout);
    assert.match(up.stdout, /director d1: ka-ts/);
    assert.match(up.stdout, /MASTER: d[12]/);
    const st = kaTs(['lab', 'status', '--name', name, '--json']);
    assert.equal(st.code, 0, st.stderr);
    const status = JSON.parse(st.stdout) as LabStatus;
    assert.equal(status.up, true);
    pids = status.processes.map((p) => p.pid);

    const dr = kaTs(['drill', '--lab', '--name', name, '--scenario', 'kill', '--json', '--svg', svg]);
    assert.equal(dr.code, 0, dr.stderr + dr.stdout);
    assert.match(dr.stderr, /drill: fault: SIGKILL/, 'progress is shown while it runs');
    const [t] = JSON.parse(dr.stdout) as DrillTimeline[];
    assert.ok(t);
    for (const e of t.events) assert.ok(e.atMs !== undefined, `${e.name} seen`);
    const limit = 3 * 500 + ((256 - 100) * 500) / 256 + 200;
    assert.equal(t.limitMs, limit);
    assert.ok(t.clientGapMs !== undefined && t.clientGapMs <= limit, `client gap ${t.clientGapMs} ms ≤ ${limit} ms`);
    assert.match(readFileSync(svg, 'utf8'), /^<svg /);
    const png = renderSvgToPng(svg);
    if (png) assert.ok(statSync(png).size > 1000);
  } finally {
    const down = kaTs(['lab', 'down', '--name', name]);
    assert.equal(down.code, 0, down.stderr);
  }
  assert.deepEqual(leftoverNamespaces(name), []);
  for (const pid of pids) assert.equal(pidAlive(pid), false, `pid ${pid} gone`);
  assert.equal(kaTs(['lab', 'status', '--name', name]).code, 3, 'status of a removed lab says it is not up');
});
