// The notify runner with real scripts and a real FIFO: keepalived's arguments, per-instance
// ordering, never blocking the caller, timeouts, script security and notify_fifo lines.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createReadStream, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotifyRunner, type NotifyOutcome } from '../../../src/ops/notify.js';
import { NotifyFifo } from '../../../src/ops/notify-fifo.js';
import { ROOT_IDENTITY } from '../../../src/ops/script-user.js';
import { setupNotify } from '../../../src/ops/notify-setup.js';
import { waitFor } from '../lib/netns.js';

let dir: string;
let log: string;

async function script(name: string, body: string, mode = 0o755): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, `#!/bin/sh\n${body}\n`);
  await chmod(p, mode);
  return p;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kt-ops-notify-'));
  await chmod(dir, 0o755);
  log = join(dir, 'events.log');
  await writeFile(log, '');
});
after(async () => { await rm(dir, { recursive: true, force: true }); });

test('scripts get keepalived arguments and run strictly in event order per instance, without blocking', async () => {
  await writeFile(log, '');
  // notify_master is slow: with keepalived's fork-and-forget, the BACKUP script would finish first.
  const master = await script('master.sh', `sleep 0.4; echo "master" >> ${log}`);
  const backup = await script('backup.sh', `echo "backup" >> ${log}`);
  const generic = await script('notify.sh', `echo "notify $*" >> ${log}`);
  const runner = new NotifyRunner({ identity: ROOT_IDENTITY, scriptSecurity: true });
  const scripts = { master, backup, notify: generic };
  runner.notify({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 100, scripts });
  runner.notify({ kind: 'INSTANCE', name: 'VI_1', state: 'BACKUP', priority: 90, scripts });
  runner.notify({ kind: 'GROUP', name: 'G1', state: 'MASTER', priority: 100, scripts: { notify: generic } });
  // notify() only enqueued: still in the caller's synchronous turn, nothing has run yet.
  assert.equal(readFileSync(log, 'utf8'), '');
  assert.equal(runner.counters.events, 3);
  await runner.idle();
  const lines = (await readFile(log, 'utf8')).trim().split('\n');
  const vi1 = lines.filter((l) => !l.includes('GROUP'));
  assert.deepEqual(vi1, ['master', 'notify INSTANCE VI_1 MASTER 100', 'backup', 'notify INSTANCE VI_1 BACKUP 90']);
  // A group's priority is always 0 (vrrp_notify.c), and groups have their own queue.
  assert.ok(lines.includes('notify GROUP G1 MASTER 0'));
  assert.ok(lines.indexOf('notify GROUP G1 MASTER 0') < lines.indexOf('master'), 'the group did not wait behind VI_1');
  assert.equal(runner.counters.scriptsRun, 5);
  assert.equal(runner.counters.scriptsFailed, 0);
});

test('a hung notify script is killed after the timeout and the queue moves on', async () => {
  await writeFile(log, '');
  const hung = await script('hung.sh', 'sleep 300');
  const after = await script('after.sh', `echo "fault" >> ${log}`);
  const outcomes: NotifyOutcome[] = [];
  const runner = new NotifyRunner({ identity: ROOT_IDENTITY, scriptSecurity: true, timeoutMs: 300, onOutcome: (o) => outcomes.push(o) });
  runner.notify({ kind: 'INSTANCE', name: 'VI_2', state: 'MASTER', priority: 100, scripts: { master: hung, fault: after } });
  runner.notify({ kind: 'INSTANCE', name: 'VI_2', state: 'FAULT', priority: 100, scripts: { master: hung, fault: after } });
  await runner.idle();
  assert.equal(await readFile(log, 'utf8'), 'fault\n');
  assert.equal(runner.counters.scriptsTimedOut, 1);
  const first = outcomes[0]!;
  assert.equal(first.kind, 'ran');
  assert.equal(first.kind === 'ran' && first.result.timedOut, true);
});

test('enable_script_security disables an insecure notify script; it never runs', async () => {
  await writeFile(log, '');
  const bad = await script('insecure.sh', `echo ran >> ${log}`, 0o777);
  const outcomes: NotifyOutcome[] = [];
  const runner = new NotifyRunner({ identity: ROOT_IDENTITY, scriptSecurity: true, onOutcome: (o) => outcomes.push(o) });
  runner.notify({ kind: 'INSTANCE', name: 'VI_3', state: 'BACKUP', priority: 50, scripts: { backup: bad } });
  await runner.idle();
  assert.equal(await readFile(log, 'utf8'), '');
  assert.equal(runner.counters.scriptsDisabled, 1);
  assert.equal(outcomes[0]!.kind, 'disabled');
  assert.match(outcomes[0]!.kind === 'disabled' ? outcomes[0]!.reason : '', /insecure\.sh is writable by everyone/);
  // Without script security keepalived runs it (and only flags it).
  const lax = new NotifyRunner({ identity: ROOT_IDENTITY, scriptSecurity: false });
  lax.notify({ kind: 'INSTANCE', name: 'VI_3', state: 'BACKUP', priority: 50, scripts: { backup: bad } });
  await lax.idle();
  assert.equal(await readFile(log, 'utf8'), 'ran\n');
});

test('notify_fifo gets keepalived\'s lines in event order, written at once', async () => {
  const path = join(dir, 'notify.fifo');
  const fifo = new NotifyFifo(path);
  fifo.open();
  try {
    let got = '';
    const reader = createReadStream(path);
    reader.on('data', (b) => { got += b.toString(); });
    const slow = await script('slow.sh', 'sleep 3');
    const runner = new NotifyRunner({ identity: ROOT_IDENTITY, scriptSecurity: true, fifo });
    runner.notify({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 100, scripts: { master: slow } });
    runner.notify({ kind: 'GROUP', name: 'G1', state: 'MASTER', priority: 100, scripts: {} });
    runner.notifyFifoEvent('VI_1', 'MASTER_PRIORITY', 90);
    runner.notify({ kind: 'INSTANCE', name: 'VI_1', state: 'STOP', priority: 90, scripts: {} });
    const expected = 'INSTANCE "VI_1" MASTER 100\nGROUP "G1" MASTER 0\nINSTANCE "VI_1" MASTER_PRIORITY 90\nINSTANCE "VI_1" STOP 90\n';
    // All four lines arrive while the slow MASTER script is still running.
    await waitFor(() => got === expected, 2500);
    assert.equal(runner.counters.scriptsRun, 0, 'the slow MASTER script had not finished yet');
    await runner.idle();
    reader.destroy();
    assert.equal(runner.counters.fifoWritten, 4);
    assert.equal(runner.counters.fifoDropped, 0);
  } finally {
    fifo.close();
  }
  await assert.rejects(readFile(path), { code: 'ENOENT' }, 'a FIFO we created is removed on close');
});

test('notify_fifo never blocks when nobody reads: lines beyond the pipe buffer are dropped and counted', async () => {
  const path = join(dir, 'unread.fifo');
  const fifo = new NotifyFifo(path);
  fifo.open();
  try {
    const runner = new NotifyRunner({ identity: ROOT_IDENTITY, scriptSecurity: true, fifo });
    for (let i = 0; i < 5000; i++) runner.notify({ kind: 'INSTANCE', name: `VI_${i}`, state: 'BACKUP', priority: 100, scripts: {} });
    await runner.idle();
    assert.ok(runner.counters.fifoDropped > 0, 'a full FIFO drops instead of blocking');
    assert.equal(runner.counters.fifoWritten + runner.counters.fifoDropped, 5000);
  } finally {
    fifo.close();
  }
});

test('a path that exists but is not a FIFO is refused with a typed error', async () => {
  const path = join(dir, 'plain-file');
  await writeFile(path, '');
  assert.throws(() => new NotifyFifo(path).open(), { name: 'NotifyFifoError', message: /is not a FIFO/ });
});

test('setupNotify builds the runner from global_defs: both FIFOs get every line, problems are reported not thrown', async () => {
  const a = join(dir, 'global.fifo');
  const b = join(dir, 'vrrp.fifo');
  const setup = await setupNotify({ enableScriptSecurity: true, scriptUser: { user: 'root' }, scriptTimeoutMs: 2000, notifyFifo: a, vrrpNotifyFifo: b });
  assert.deepEqual(setup.problems, []);
  assert.equal(setup.identity?.uid, 0);
  let gotA = '';
  let gotB = '';
  const ra = createReadStream(a).on('data', (d) => { gotA += d.toString(); });
  const rb = createReadStream(b).on('data', (d) => { gotB += d.toString(); });
  setup.runner.notify({ kind: 'INSTANCE', name: 'VI_9', state: 'FAULT', priority: 0, scripts: {} });
  await waitFor(() => gotA === 'INSTANCE "VI_9" FAULT 0\n' && gotB === gotA, 2000);
  ra.destroy();
  rb.destroy();
  await setup.close();

  const plain = join(dir, 'not-a-fifo');
  await writeFile(plain, '');
  await writeFile(log, '');
  const ok = await script('would-run.sh', `echo ran >> ${log}`);
  const broken = await setupNotify({ enableScriptSecurity: true, scriptUser: { user: 'no-such-user-kt' }, vrrpNotifyFifo: plain });
  assert.equal(broken.problems.length, 2);
  assert.match(broken.problems[0]!, /notify scripts disabled: script_user 'no-such-user-kt' does not exist/);
  assert.match(broken.problems[1]!, /is not a FIFO/);
  broken.runner.notify({ kind: 'INSTANCE', name: 'VI_9', state: 'MASTER', priority: 100, scripts: { master: ok } });
  await broken.close();
  assert.equal(await readFile(log, 'utf8'), '', 'no script runs without a script user');
  assert.equal(broken.runner.counters.scriptsDisabled, 1);
});
