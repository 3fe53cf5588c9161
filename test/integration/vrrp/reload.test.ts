// Reload in place (SIGHUP to the ka-ts daemon after its keepalived.conf changed): an unchanged instance keeps its state and its
// advert rhythm (no transition, no extra advert), a changed one stays MASTER and advertises its new
// priority at once and swaps the VIPs the new config changed (the dropped one deleted, the new one
// added and announced), a removed one releases its VIP, an added one starts as a new instance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rootSkipReason, waitFor } from '../lib/netns.js';
import type { KaPeerInstance } from '../lib/keepalived-peer.js';
import type { KaTsDaemon } from '../lib/ka-ts-daemon.js';
import { instance, takeoverMs, withScenario } from './scenario.js';

const vi = (n: number, priority: number, vips = [`10.77.0.${100 + n}/24`]): KaPeerInstance =>
  instance({ name: `VI_${n}`, vrid: 50 + n, priority, state: 'MASTER', advertInt: 0.1, vips });

test('reload keeps unchanged instances untouched and applies changes in place', { skip: rootSkipReason() }, () => withScenario(async (s) => {
  const d = s.start(0, 'ka-ts', { routerId: 'r', instances: [vi(1, 150), vi(2, 150), vi(3, 150)] }) as unknown as KaTsDaemon;
  for (const n of [1, 2, 3]) await d.waitForState(`VI_${n}`, 'MASTER', takeoverMs(0.1));
  await new Promise((r) => setTimeout(r, 500));
  const notesBefore = d.notifications().length;

  const t0 = Date.now();
  d.reload({ routerId: 'r', instances: [vi(1, 150), vi(2, 160, ['10.77.0.102/24', '10.77.0.112/24']), vi(4, 150)] });
  // (the first reload only adds a VIP to VI_2; the second below drops its original one)
  await waitFor(() => s.wire.adverts(52, s.d1.mac, t0).some((f) => f.priority === 160), 3000);
  await d.waitForState('VI_4', 'MASTER', takeoverMs(0.1));
  await waitFor(async () => !(await d.holds('10.77.0.103')), 3000);
  await new Promise((r) => setTimeout(r, 500));

  await s.wire.waitAnnouncement('10.77.0.112', s.d1.mac, t0, 3000);
  assert.equal(await d.holds('10.77.0.112'), true, 'VIP added to the config is taken by the MASTER on reload');
  d.reload({ routerId: 'r', instances: [vi(1, 150), vi(2, 160, ['10.77.0.112/24']), vi(4, 150)] });
  await waitFor(async () => !(await d.holds('10.77.0.102')), 3000)
    .catch(() => assert.fail('VIP removed from the config stayed on the MASTER after reload'));

  const notes = d.notifications().slice(notesBefore);
  assert.deepEqual(notes.filter((n) => n.name === 'VI_1' || n.name === 'VI_2'), [], 'no transition for kept instances');
  assert.ok(notes.some((n) => n.name === 'VI_3' && n.state === 'STOP'), 'the removed instance stopped');
  assert.equal(await d.holds('10.77.0.101'), true);
  assert.equal(await d.holds('10.77.0.112'), true);
  assert.equal(await d.holds('10.77.0.104'), true);
  // The unchanged instance's adverts keep their 100 ms rhythm across the reload: no burst.
  const times = s.wire.adverts(51, s.d1.mac, t0 - 1000).map((f) => f.atMs);
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  assert.ok(gaps.length > 10);
  assert.ok(Math.min(...gaps) > 60, `an extra advert for the unchanged instance (min gap ${Math.min(...gaps).toFixed(1)} ms)`);
  assert.ok(s.wire.adverts(53, s.d1.mac, t0 + 300).length === 0 || s.wire.adverts(53, s.d1.mac, t0).at(-1)!.priority === 0, 'the removed instance stopped advertising');
}));
