// Issue 3: unicast peers (unicast_src_ip / unicast_peer) in a mixed pair. The client cannot see
// unicast adverts once the bridge has learnt the MACs, so the proof is behavioural: the backup
// hears the master (it stays BACKUP well past the master-down interval), takes over when the
// master is stopped, and announces the VIP (a broadcast GARP the client sees).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rootSkipReason } from '../lib/netns.js';
import type { DirectorImpl } from './directors.js';
import { instance, takeoverMs, withScenario } from './scenario.js';

const VIP = '10.77.0.100';
const roles: Array<[DirectorImpl, DirectorImpl]> = [['ka-ts', 'keepalived'], ['keepalived', 'ka-ts']];

for (const [m, b] of roles) {
  test(`VRRPv3 IPv4 unicast peers, master ${m} / backup ${b}`, { skip: rootSkipReason() }, () => withScenario(async (s) => {
    const uni = (self: string, peer: string) => ({ unicastSrc: self, unicastPeers: [peer] });
    const master = s.start(0, m, { routerId: 'm', instances: [instance({ ...uni(s.d1.v4, s.d2.v4), priority: 150, state: 'MASTER' })] });
    await master.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
    const backup = s.start(1, b, { routerId: 'b', instances: [instance({ ...uni(s.d2.v4, s.d1.v4), priority: 100, state: 'BACKUP' })] });
    await backup.waitForState('VI_1', 'BACKUP', takeoverMs(0.2));
    // Five master-down intervals: a backup that did not hear the unicast adverts would take over.
    await new Promise((r) => setTimeout(r, 5 * 700));
    assert.equal(backup.lastState('VI_1'), 'BACKUP', 'the backup hears the unicast adverts');
    assert.equal(await master.holds(VIP), true);
    assert.equal(await backup.holds(VIP), false);
    await s.wire.waitAnnouncement(VIP, s.d1.mac, 0, 3000);

    const t0 = Date.now();
    await master.stop();
    await backup.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
    assert.equal(await backup.holds(VIP), true);
    await s.wire.waitAnnouncement(VIP, s.d2.mac, t0, 3000);
  }));
}
