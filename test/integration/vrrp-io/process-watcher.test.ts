// vrrp_track_process against real processes, in this (the initial) network namespace where the
// kernel's process events reach us: counts follow fork, exec and exit as they happen, quorum and
// terminate_delay behave as keepalived's, and full_command matches parameters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { rootSkipReason, waitFor } from '../lib/netns.js';
import { ProcessWatcher, type ProcessTrackDef } from '../../../src/vrrp/engine/process-watcher.js';
import { watchProcessEvents } from '../../../src/native/addon.js';

/** Why the events path cannot be tested here (no connector in this namespace), or undefined. */
function eventsSkipReason(): string | undefined {
  const root = rootSkipReason();
  if (root) return root;
  try {
    watchProcessEvents(() => undefined)();
    return undefined;
  } catch (err) {
    return `the kernel's process events connector is not reachable here: ${(err as Error).message}`;
  }
}

const def = (over: Partial<ProcessTrackDef> & Pick<ProcessTrackDef, 'name' | 'process'>): ProcessTrackDef =>
  ({ fullCommand: false, quorum: 1, forkDelayMs: 0, terminateDelayMs: 0, ...over });

test('track_process follows real processes through the kernel\'s events: quorum, exec, exit, terminate_delay, parameters', { skip: eventsSkipReason(), timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kt-tproc-'));
  const name = `ktw${process.pid % 1_000_000}`;
  const prog = join(dir, name);
  symlinkSync('/bin/sleep', prog);
  const children: ChildProcess[] = [];
  const run = (args: string[], cmd = prog): ChildProcess => { const c = spawn(cmd, args, { stdio: 'ignore' }); children.push(c); return c; };
  const changes: Array<{ name: string; quorum: boolean; n: number; at: number }> = [];
  const log: string[] = [];
  const w = new ProcessWatcher([
    def({ name: 'two', process: name, quorum: 2 }),
    def({ name: 'slow', process: name, terminateDelayMs: 1500 }),
    def({ name: 'args', process: prog, params: ['601'], paramMatch: 'exact', fullCommand: true }),
    def({ name: 'none', process: name, quorum: 0, quorumMax: 0 }),
  ], (n, quorum, count) => changes.push({ name: n, quorum, n: count, at: Date.now() }), (_l, m) => log.push(m));
  const state = (n: string): { processes: number; quorum: boolean } | undefined => w.status().find((s) => s.name === n);
  try {
    w.start();
    assert.equal(w.mode, 'events', log.join('\n'));
    assert.deepEqual(w.status().map((s) => [s.name, s.processes, s.quorum]), [['two', 0, false], ['slow', 0, false], ['args', 0, false], ['none', 0, true]]);

    const a = run(['600']);
    await waitFor(() => state('two')?.processes === 1, 3000);
    assert.equal(state('two')?.quorum, false, 'one of two');
    assert.equal(state('slow')?.quorum, true);
    assert.equal(state('none')?.quorum, false, 'quorum_max 0: one running is too many');
    assert.equal(state('args')?.processes, 0, 'sleep 600 is not sleep 601');

    // A shell that execs the program: counted from the exec on (the fork was a shell's).
    const b = run(['-c', `sleep 0.2; exec ${prog} 601`], '/bin/sh');
    await waitFor(() => state('two')?.quorum === true, 3000);
    assert.equal(state('args')?.processes, 1, 'sleep 601 matches process + exact parameters');

    // Exit: the quorum of two is lost at once; `slow` (terminate_delay 1.5 s) still has one left.
    const t0 = Date.now();
    b.kill('SIGKILL');
    await waitFor(() => state('two')?.quorum === false, 3000);
    assert.equal(state('args')?.processes, 0);
    assert.ok(Date.now() - t0 < 1000, 'no delay configured: the loss is seen at once');

    // The last one goes and a new one starts within terminate_delay: `slow` never changes.
    const slowChanges = changes.filter((c) => c.name === 'slow').length;
    a.kill('SIGKILL');
    await waitFor(() => state('slow')?.processes === 0, 3000);
    assert.equal(state('slow')?.quorum, true, 'still up during terminate_delay');
    run(['600']);
    await waitFor(() => state('slow')?.processes === 1, 3000);
    await new Promise((r) => setTimeout(r, 1800));
    assert.equal(changes.filter((c) => c.name === 'slow').length, slowChanges, 'back within the delay: no change at all');

    // Gone for longer than the delay: the loss is reported once it has lasted 1.5 s.
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    const gone = Date.now();
    await waitFor(() => changes.some((c) => c.name === 'slow' && !c.quorum && c.at >= gone), 4000);
    const lost = changes.find((c) => c.name === 'slow' && !c.quorum && c.at >= gone)!;
    assert.ok(lost.at - gone >= 1400, `lost after ${lost.at - gone} ms, not before terminate_delay`);
    assert.equal(state('none')?.quorum, true, 'none running again');
    assert.equal(w.overruns, 0);
  } finally {
    w.stop();
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
