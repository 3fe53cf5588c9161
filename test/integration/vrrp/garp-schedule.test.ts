// The GARP schedule of a new ka-ts master on the wire: garp_master_repeat announcements at once,
// the same number again garp_master_delay later, then garp_master_refresh_repeat every
// garp_master_refresh seconds; vrrp_garp_interval spaces them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rootSkipReason, waitFor } from '../lib/netns.js';
import { instance, takeoverMs, withScenario } from './scenario.js';

const VIP = '10.77.0.100';

test('GARP schedule: repeat at once, again after garp_master_delay, then refresh', { skip: rootSkipReason() }, () => withScenario(async (s) => {
  const d = s.start(0, 'ka-ts', {
    routerId: 'g',
    instances: [instance({ priority: 150, state: 'MASTER', garpMasterDelay: 1, garpMasterRepeat: 3, garpMasterRefresh: 2, garpMasterRefreshRepeat: 2 })],
  });
  await d.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
  // 3 at once + 3 after 1 s + 2 at each 2 s refresh: wait until the first refresh is certainly in.
  await waitFor(() => s.wire.announcements(VIP, s.d1.mac).length >= 8, 6000)
    .catch(() => assert.fail(`only ${s.wire.announcements(VIP, s.d1.mac).length} GARPs seen`));
  const t = s.wire.announcements(VIP, s.d1.mac).map((f) => f.atMs);
  const first = t[0]!;
  const burst = (from: number, to: number): number => t.filter((x) => x - first >= from && x - first < to).length;
  assert.equal(burst(0, 500), 3, 'garp_master_repeat at once');
  assert.equal(burst(800, 1500), 3, 'the same again after garp_master_delay');
  assert.ok(burst(1500, 2900) >= 2, 'garp_master_refresh_repeat per refresh');
}));

// vrrp_garp_interval: the new master's GARPs for two VIPs, twice each, leave 0.25 s apart instead
// of back to back, and all of them still go out.
test('vrrp_garp_interval spaces the gratuitous ARPs on the interface', { skip: rootSkipReason() }, () => withScenario(async (s) => {
  const VIP2 = '10.77.0.101';
  const d = s.start(0, 'ka-ts', {
    routerId: 'g', garpInterval: 0.25,
    instances: [instance({ priority: 150, state: 'MASTER', vips: [`${VIP}/24`, `${VIP2}/24`], garpMasterDelay: 0, garpMasterRepeat: 2 })],
  });
  await d.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
  const all = (): number[] => [...s.wire.announcements(VIP, s.d1.mac), ...s.wire.announcements(VIP2, s.d1.mac)].map((f) => f.atMs).sort((a, b) => a - b);
  await waitFor(() => all().length >= 4, 5000).catch(() => assert.fail(`only ${all().length} GARPs seen`));
  await new Promise((r) => setTimeout(r, 500));
  const t = all();
  assert.equal(t.length, 4, 'two VIPs × garp_master_repeat 2, none lost');
  const gaps = t.slice(1).map((x, i) => x - t[i]!);
  assert.ok(gaps.every((g) => g >= 200), `GARPs spaced by the interval: gaps ${gaps.join(', ')} ms`);
}));
