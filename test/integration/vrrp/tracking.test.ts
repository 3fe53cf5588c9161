// Issue 3: tracking moves mastership in a mixed pair, with ka-ts as the tracked master and the
// real keepalived as the backup that must take over:
//  - track_script failing (weight -60: 150 → 90 < 100) hands the VIP to keepalived; recovering
//    takes it back (preempt);
//  - the master's link going down puts ka-ts in FAULT and keepalived takes over; link back up,
//    ka-ts returns through BACKUP and preempts;
//  - track_process: the tracked program dying puts ka-ts in FAULT, running again brings it back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, unlinkSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootSkipReason } from '../lib/netns.js';
import { setDirectorLink } from './director-lab.js';
import { instance, takeoverMs, withScenario } from './scenario.js';

const VIP = '10.77.0.100';

test('track_script failure moves mastership from ka-ts to keepalived and back', { skip: rootSkipReason() }, () => withScenario(async (s) => {
  const dir = mkdtempSync(join(tmpdir(), 'kt-vrrp-track-'));
  const flag = join(dir, 'fail');
  // A script file: keepalived.conf cannot nest quotes, and keepalived execs scripts without a shell.
  const check = join(dir, 'check.sh');
  writeFileSync(check, `#!/bin/sh\ntest ! -e ${flag}\n`, { mode: 0o755 });
  try {
    const master = s.start(0, 'ka-ts', {
      routerId: 'm',
      scripts: [{ name: 'chk', script: check, interval: 0.2, weight: -60, fall: 1, rise: 1 }],
      instances: [instance({ priority: 150, state: 'MASTER', trackScripts: ['chk'] })],
    });
    await master.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
    const backup = s.start(1, 'keepalived', { routerId: 'b', instances: [instance({ priority: 100, state: 'BACKUP' })] });
    await backup.waitForState('VI_1', 'BACKUP', takeoverMs(0.2));
    assert.ok(s.wire.adverts(51, s.d1.mac).every((f) => f.priority === 150));

    const t0 = Date.now();
    writeFileSync(flag, '');
    await backup.waitForState('VI_1', 'MASTER', takeoverMs(0.2) + 1000);
    await master.waitForState('VI_1', 'BACKUP', 2000);
    assert.ok(s.wire.adverts(51, s.d1.mac, t0).some((f) => f.priority === 90), 'ka-ts advertised its lowered priority 90');
    assert.equal(await backup.holds(VIP), true);
    assert.equal(await master.holds(VIP), false);
    await s.wire.waitAnnouncement(VIP, s.d2.mac, t0, 3000);

    const t1 = Date.now();
    unlinkSync(flag);
    await master.waitForState('VI_1', 'MASTER', takeoverMs(0.2) + 1000);
    await backup.waitForState('VI_1', 'BACKUP', 2000);
    assert.equal(await master.holds(VIP), true);
    assert.equal(await backup.holds(VIP), false);
    await s.wire.waitAnnouncement(VIP, s.d1.mac, t1, 3000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}));

test('track_file: a non-zero value (weight 0) puts ka-ts in FAULT, keepalived takes over; zero again, ka-ts returns', { skip: rootSkipReason() }, () => withScenario(async (s) => {
  const dir = mkdtempSync(join(tmpdir(), 'kt-vrrp-tfile-'));
  const file = join(dir, 'state');
  try {
    writeFileSync(file, '0\n');
    const master = s.start(0, 'ka-ts', {
      routerId: 'm', files: [{ name: 'tf', path: file, weight: 0 }],
      instances: [instance({ priority: 150, state: 'MASTER', trackFiles: ['tf'] })],
    });
    await master.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
    const backup = s.start(1, 'keepalived', { routerId: 'b', instances: [instance({ priority: 100, state: 'BACKUP' })] });
    await backup.waitForState('VI_1', 'BACKUP', takeoverMs(0.2));

    const t0 = Date.now();
    writeFileSync(file, '1\n');
    await master.waitForState('VI_1', 'FAULT', 3000);
    await backup.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
    assert.equal(await backup.holds(VIP), true);
    assert.equal(await master.holds(VIP), false);
    await s.wire.waitAnnouncement(VIP, s.d2.mac, t0, 3000);

    writeFileSync(file, '0\n');
    await master.waitForState('VI_1', 'MASTER', takeoverMs(0.2) + 1000);
    await backup.waitForState('VI_1', 'BACKUP', 2000);
    assert.equal(await master.holds(VIP), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}));

test('link down puts the ka-ts master in FAULT, keepalived takes over; link up, ka-ts preempts back', { skip: rootSkipReason() }, () => withScenario(async (s) => {
  const master = s.start(0, 'ka-ts', { routerId: 'm', instances: [instance({ priority: 150, state: 'MASTER' })] });
  await master.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
  const backup = s.start(1, 'keepalived', { routerId: 'b', instances: [instance({ priority: 100, state: 'BACKUP' })] });
  await backup.waitForState('VI_1', 'BACKUP', takeoverMs(0.2));

  const t0 = Date.now();
  await setDirectorLink(s.dl, 0, false);
  await master.waitForState('VI_1', 'FAULT', 3000);
  await backup.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
  assert.equal(await master.holds(VIP), false, 'a FAULT instance releases its VIPs');
  assert.equal(await backup.holds(VIP), true);
  await s.wire.waitAnnouncement(VIP, s.d2.mac, t0, 3000);

  const t1 = Date.now();
  await setDirectorLink(s.dl, 0, true);
  await master.waitForState('VI_1', 'MASTER', takeoverMs(0.2) + 1000);
  await backup.waitForState('VI_1', 'BACKUP', 2000);
  assert.ok(master.notifications().some((n) => n.state === 'BACKUP' && n.atMs >= t1), 'ka-ts left FAULT through BACKUP');
  assert.equal(await master.holds(VIP), true);
  await s.wire.waitAnnouncement(VIP, s.d1.mac, t1, 3000);
}));

// vrrp_track_process in a network namespace, where the kernel offers no process events (keepalived
// would stay in FAULT there): ka-ts says so, rescans /proc, and the quorum still moves mastership.
test('track_process (weight 0): the tracked process dies, ka-ts goes to FAULT and keepalived takes over; it runs again, ka-ts returns', { skip: rootSkipReason() }, () => withScenario(async (s) => {
  const dir = mkdtempSync(join(tmpdir(), 'kt-vrrp-tproc-'));
  // A uniquely named program: /proc/PID/comm is the name the binary was executed under.
  const name = `ktp${process.pid % 1_000_000}`;
  const prog = join(dir, name);
  symlinkSync('/bin/sleep', prog);
  const running: ChildProcess[] = [];
  const startTracked = (): ChildProcess => { const c = spawn(prog, ['600'], { stdio: 'ignore' }); running.push(c); return c; };
  try {
    const first = startTracked();
    const master = s.start(0, 'ka-ts', {
      routerId: 'm', processes: [{ name: 'tp', process: [name] }],
      instances: [instance({ priority: 150, state: 'MASTER', trackProcesses: ['tp'] })],
    });
    await master.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
    assert.ok(master.log.some((l) => /process events are not available here.*rescanning \/proc every second/.test(l)), 'the fallback is said in the log');
    const backup = s.start(1, 'keepalived', { routerId: 'b', instances: [instance({ priority: 100, state: 'BACKUP' })] });
    await backup.waitForState('VI_1', 'BACKUP', takeoverMs(0.2));

    const t0 = Date.now();
    first.kill('SIGKILL');
    await master.waitForState('VI_1', 'FAULT', 4000);
    await backup.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
    assert.equal(await master.holds(VIP), false);
    assert.equal(await backup.holds(VIP), true);
    await s.wire.waitAnnouncement(VIP, s.d2.mac, t0, 3000);
    assert.ok(master.log.some((l) => l.includes(`track_process tp: quorum lost (0 matching processes)`)));

    startTracked();
    await master.waitForState('VI_1', 'MASTER', takeoverMs(0.2) + 2000);
    await backup.waitForState('VI_1', 'BACKUP', 2000);
    assert.equal(await master.holds(VIP), true);
  } finally {
    for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}));
