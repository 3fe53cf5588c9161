import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TrackScriptRunner, type TrackScriptRun } from '../../../src/vrrp/engine/track-script-runner.js';

const isRoot = process.getuid?.() === 0;

function scriptDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kt-trackscript-'));
  chmodSync(d, 0o755); // readable by the unprivileged user the script may run as
  return d;
}

function script(dir: string, name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

/** Running (a zombie left for an init that does not reap counts as gone: it runs nothing). */
function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch { return false; }
}

/** Runs `runs` once and resolves with the first result. */
function firstResult(runs: TrackScriptRun[], opts: ConstructorParameters<typeof TrackScriptRunner>[3] = {}): Promise<{ ok: boolean; runner: TrackScriptRunner }> {
  return new Promise((resolve) => {
    const runner: TrackScriptRunner = new TrackScriptRunner(runs, (_n, ok) => { runner.stop(); resolve({ ok, runner }); }, () => {}, opts);
    runner.start();
  });
}

test('track script runs as the configured user', { skip: isRoot ? false : 'needs root to switch user' }, async () => {
  const dir = scriptDir();
  try {
    const s = script(dir, 'is-nobody', '[ "$(id -u)" = "65534" ]');
    const base = { name: 'chk', script: s, intervalMs: 60_000, timeoutMs: 5000 };
    assert.equal((await firstResult([{ ...base, user: 'nobody' }])).ok, true, 'runs as nobody');
    assert.equal((await firstResult([base])).ok, false, 'without a user it runs as root');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a timed-out track script is killed with everything it started', async () => {
  const dir = scriptDir();
  const pidFile = join(dir, 'grandchild.pid');
  let grandchild = 0;
  try {
    const s = script(dir, 'hang', `sleep 30 &\necho $! > ${pidFile}\nsleep 30`);
    const r = await firstResult([{ name: 'hang', script: s, intervalMs: 60_000, timeoutMs: 300 }], { killGraceMs: 200 });
    assert.equal(r.ok, false);
    assert.equal(r.runner.counters.get('hang')!.timedOut, 1);
    assert.ok(existsSync(pidFile));
    grandchild = Number(readFileSync(pidFile, 'utf8').trim());
    for (let i = 0; i < 50 && alive(grandchild); i++) await sleep(20);
    assert.equal(alive(grandchild), false, 'the grandchild of the timed-out script is gone');
  } finally {
    if (grandchild > 0 && alive(grandchild)) process.kill(grandchild, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a runner replacing another on reload never runs the same script twice at once', async () => {
  const dir = scriptDir();
  const log = join(dir, 'log');
  try {
    const s = script(dir, 'slow', `echo start >> ${log}\nsleep 0.4\necho end >> ${log}`);
    const run: TrackScriptRun = { name: 'slow', script: s, intervalMs: 100, timeoutMs: 5000 };
    const results: boolean[] = [];
    const first = new TrackScriptRunner([run], () => {}, () => {});
    first.start();
    first.stop();
    const second = new TrackScriptRunner([run], (_n, ok) => results.push(ok), () => {}, { previous: first });
    second.start();
    assert.equal(second.isRunning('slow'), true, 'the old run is still in flight');
    assert.equal(second.counters.get('slow')!.runs, 0, 'so the new runner did not start another');
    for (let i = 0; i < 100 && results.length < 1; i++) await sleep(20);
    second.stop();
    for (let i = 0; i < 100 && second.isRunning('slow'); i++) await sleep(20);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    assert.ok(lines.length >= 4, `at least two runs: ${lines.join(',')}`);
    lines.forEach((l, i) => assert.equal(l, i % 2 === 0 ? 'start' : 'end', `runs never overlap: ${lines.join(',')}`));
    assert.deepEqual(results, [true]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
