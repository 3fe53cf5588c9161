// Issue 3: a vrrp_sync_group of two instances (VRIDs 51 and 52) on ka-ts as master, the same
// group on keepalived as backup. VI_2 tracks a second interface; when it goes down VI_2 enters
// FAULT and takes VI_1 with it, so keepalived takes over BOTH VIPs (and announces both); when it
// comes back the ka-ts group preempts back as a whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rootSkipReason } from '../lib/netns.js';
import type { KaPeerSpec } from '../lib/keepalived-peer.js';
import { instance, takeoverMs, withScenario } from './scenario.js';

const VIP1 = '10.77.0.100';
const VIP2 = '10.77.0.101';

function spec(routerId: string, priority: number, state: 'MASTER' | 'BACKUP', tracked?: string): KaPeerSpec {
  return {
    routerId,
    instances: [
      instance({ name: 'VI_1', vrid: 51, priority, state, vips: [`${VIP1}/24`] }),
      instance({ name: 'VI_2', vrid: 52, priority, state, vips: [`${VIP2}/24`], ...(tracked ? { trackInterfaces: [tracked] } : {}) }),
    ],
    syncGroups: [{ name: 'G1', members: ['VI_1', 'VI_2'] }],
  };
}

test('sync group: one member in FAULT moves the whole group from ka-ts to keepalived and back', { skip: rootSkipReason() }, () => withScenario(async (s) => {
  // The tracked interface: a veth pair inside the master's namespace, toggled from there.
  await s.dl.lab.ip(s.d1.ns, ['link', 'add', 'trk0', 'type', 'veth', 'peer', 'name', 'trk1']);
  await s.dl.lab.ip(s.d1.ns, ['link', 'set', 'trk0', 'up']);
  await s.dl.lab.ip(s.d1.ns, ['link', 'set', 'trk1', 'up']);
  const master = s.start(0, 'ka-ts', spec('m', 150, 'MASTER', 'trk0'));
  await master.waitForState('G1', 'MASTER', takeoverMs(0.2));
  const backup = s.start(1, 'keepalived', spec('b', 100, 'BACKUP'));
  await backup.waitForState('VI_1', 'BACKUP', takeoverMs(0.2));
  await backup.waitForState('VI_2', 'BACKUP', takeoverMs(0.2));
  assert.equal(master.lastState('VI_1'), 'MASTER');
  assert.equal(master.lastState('VI_2'), 'MASTER');
  assert.equal(await master.holds(VIP1), true);
  assert.equal(await master.holds(VIP2), true);

  const t0 = Date.now();
  await s.dl.lab.ip(s.d1.ns, ['link', 'set', 'trk1', 'down']);
  await master.waitForState('G1', 'FAULT', 3000);
  assert.equal(master.lastState('VI_1'), 'FAULT', 'VI_1 followed its group into FAULT');
  assert.equal(master.lastState('VI_2'), 'FAULT');
  await backup.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
  await backup.waitForState('VI_2', 'MASTER', takeoverMs(0.2));
  assert.equal(await backup.holds(VIP1), true);
  assert.equal(await backup.holds(VIP2), true);
  assert.equal(await master.holds(VIP1), false);
  assert.equal(await master.holds(VIP2), false);
  await s.wire.waitAnnouncement(VIP1, s.d2.mac, t0, 3000);
  await s.wire.waitAnnouncement(VIP2, s.d2.mac, t0, 3000);

  const t1 = Date.now();
  await s.dl.lab.ip(s.d1.ns, ['link', 'set', 'trk1', 'up']);
  await master.waitForState('VI_1', 'MASTER', takeoverMs(0.2) + 1000);
  await master.waitForState('VI_2', 'MASTER', 2000);
  await backup.waitForState('VI_1', 'BACKUP', 2000);
  await backup.waitForState('VI_2', 'BACKUP', 2000);
  assert.equal(await master.holds(VIP1), true);
  assert.equal(await master.holds(VIP2), true);
  await s.wire.waitAnnouncement(VIP1, s.d1.mac, t1, 3000);
  await s.wire.waitAnnouncement(VIP2, s.d1.mac, t1, 3000);
}));
