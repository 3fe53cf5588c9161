// Issue 3: a ka-ts director and a keepalived director form one VRRP pair. Both role assignments
// (ka-ts master, ka-ts backup) and a pure ka-ts pair; VRRPv3 over IPv4 multicast, advert_int 0.2.
// Each case: election, GARP from the master, graceful hand-over (priority 0) to the backup,
// and preemption back when the old master returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rootSkipReason, waitFor } from '../lib/netns.js';
import type { DirectorImpl } from './directors.js';
import { instance, takeoverMs, withScenario } from './scenario.js';

const VIP = '10.77.0.100';
const pairs: Array<[DirectorImpl, DirectorImpl]> = [['ka-ts', 'keepalived'], ['keepalived', 'ka-ts'], ['ka-ts', 'ka-ts']];

for (const [m, b] of pairs) {
  test(`VRRPv3 IPv4 pair, master ${m} / backup ${b}: elect, hand over on stop, preempt back`, { skip: rootSkipReason() }, () => withScenario(async (s) => {
    // The master first: started together, whichever daemon boots faster would win the first
    // election for a moment (keepalived pairs do the same), which is not what this test is about.
    const master = s.start(0, m, { routerId: 'm', instances: [instance({ priority: 150, state: 'MASTER' })] });
    await master.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
    const backup = s.start(1, b, { routerId: 'b', instances: [instance({ priority: 100, state: 'BACKUP' })] });
    await backup.waitForState('VI_1', 'BACKUP', takeoverMs(0.2));
    // A few advert intervals in which the backup must stay silent.
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await master.holds(VIP), true);
    assert.equal(await backup.holds(VIP), false);
    await s.wire.waitAnnouncement(VIP, s.d1.mac, 0, 3000);
    assert.ok(s.wire.adverts(51, s.d1.mac).length > 0);
    assert.equal(s.wire.adverts(51, s.d2.mac).length, 0, 'the backup stays silent');

    const t0 = Date.now();
    await master.stop();
    // tcpdump's output may trail the exit by a few ms, hence the wait.
    await waitFor(() => s.wire.adverts(51, s.d1.mac, t0).some((f) => f.priority === 0), 2000)
      .catch(() => assert.fail(`${m} sent no priority-0 advert when stopping`));
    await backup.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
    assert.equal(await backup.holds(VIP), true);
    assert.equal(await master.holds(VIP), false, `${m} released the VIP on stop`);
    await s.wire.waitAnnouncement(VIP, s.d2.mac, t0, 3000);

    // The old master comes back with the higher priority and preempts.
    const t1 = Date.now();
    const again = s.start(0, m, { routerId: 'm', instances: [instance({ priority: 150, state: 'MASTER' })] });
    await again.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
    await backup.waitForState('VI_1', 'BACKUP', takeoverMs(0.2));
    assert.equal(await again.holds(VIP), true);
    assert.equal(await backup.holds(VIP), false);
    await s.wire.waitAnnouncement(VIP, s.d1.mac, t1, 3000);
  }));
}
