// Issue 3: VRRPv3 over IPv6 (unsolicited NA on takeover) and VRRPv2 over IPv4 (advert_int 1),
// each as a mixed pair in both roles: election, then the master crashes (SIGKILL: no priority-0
// advert) and the other implementation takes over after the master-down interval.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rootSkipReason } from '../lib/netns.js';
import type { KaPeerInstance } from '../lib/keepalived-peer.js';
import type { DirectorImpl } from './directors.js';
import { instance, takeoverMs, withScenario } from './scenario.js';

interface Variant { label: string; vip: string; over: Partial<KaPeerInstance>; adv: number }
const variants: Variant[] = [
  { label: 'VRRPv3 IPv6 (advert_int 0.2)', vip: 'fd77::100', over: { version: 3, advertInt: 0.2, vips: ['fd77::100/64'] }, adv: 0.2 },
  { label: 'VRRPv2 IPv4 (advert_int 1)', vip: '10.77.0.100', over: { version: 2, advertInt: 1 }, adv: 1 },
];
const roles: Array<[DirectorImpl, DirectorImpl]> = [['ka-ts', 'keepalived'], ['keepalived', 'ka-ts']];

for (const v of variants) {
  for (const [m, b] of roles) {
    test(`${v.label}, master ${m} / backup ${b}: elect, announce, take over after a crash`, { skip: rootSkipReason() }, () => withScenario(async (s) => {
      const master = s.start(0, m, { routerId: 'm', instances: [instance({ ...v.over, priority: 150, state: 'MASTER' })] });
      await master.waitForState('VI_1', 'MASTER', takeoverMs(v.adv));
      const backup = s.start(1, b, { routerId: 'b', instances: [instance({ ...v.over, priority: 100, state: 'BACKUP' })] });
      await backup.waitForState('VI_1', 'BACKUP', takeoverMs(v.adv));
      assert.equal(await master.holds(v.vip), true);
      assert.equal(await backup.holds(v.vip), false);
      await s.wire.waitAnnouncement(v.vip, s.d1.mac, 0, 3000);
      assert.ok(s.wire.adverts(51, s.d1.mac).every((f) => f.priority === 150));

      const t0 = Date.now();
      master.crash();
      await backup.waitForState('VI_1', 'MASTER', takeoverMs(v.adv));
      assert.equal(await backup.holds(v.vip), true);
      await s.wire.waitAnnouncement(v.vip, s.d2.mac, t0, 3000);
      assert.equal(s.wire.adverts(51, s.d1.mac, t0).filter((f) => f.priority === 0).length, 0, 'a crashed master says no goodbye');
    }));
  }
}
