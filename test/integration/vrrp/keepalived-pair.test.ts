// Baseline: two real keepalived 2.2.7 daemons on a bridge elect, announce and fail over. This pins
// down the peer helper and the topology, and is the reference every mixed-pair test compares with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NetnsLab, rootSkipReason } from '../lib/netns.js';
import { KeepalivedPeer, type KaPeerInstance } from '../lib/keepalived-peer.js';
import { buildDirectorLab } from './director-lab.js';
import { WireWatch } from './tcpdump-capture.js';

test('keepalived pair (VRRPv3 IPv4, advert_int 0.2): master holds the VIP, backup takes over on graceful stop', { skip: rootSkipReason() }, async () => {
  const lab = new NetnsLab('vrrp');
  const peers: KeepalivedPeer[] = [];
  try {
    const dl = await buildDirectorLab(lab, 2);
    const [d1, d2] = dl.directors as [typeof dl.directors[0], typeof dl.directors[0]];
    const wire = await WireWatch.start(lab, dl.client.ns, 'eth0');
    const inst = (priority: number, state: 'MASTER' | 'BACKUP'): KaPeerInstance => ({
      name: 'VI_1', interface: 'eth0', vrid: 51, priority, state, advertInt: 0.2, version: 3,
      vips: ['10.77.0.100/24'], garpMasterDelay: 0,
    });
    const a = KeepalivedPeer.start(lab, d1.ns, { routerId: 'ka1', instances: [inst(150, 'MASTER')] });
    const b = KeepalivedPeer.start(lab, d2.ns, { routerId: 'ka2', instances: [inst(100, 'BACKUP')] });
    peers.push(a, b);
    await a.waitForState('VI_1', 'MASTER', 5000);
    await b.waitForState('VI_1', 'BACKUP', 5000);
    assert.equal(await a.holds('10.77.0.100'), true);
    assert.equal(await b.holds('10.77.0.100'), false);
    await wire.waitAnnouncement('10.77.0.100', d1.mac, 0, 3000);
    assert.ok(wire.adverts(51, d1.mac).every((f) => f.priority === 150));

    const t0 = Date.now();
    await a.stop();
    assert.ok(wire.adverts(51, d1.mac).some((f) => f.priority === 0), 'graceful stop sends a priority-0 advert');
    await b.waitForState('VI_1', 'MASTER', 3000);
    assert.equal(await b.holds('10.77.0.100'), true);
    assert.equal(await a.holds('10.77.0.100'), false, 'a stopped keepalived releases its VIPs');
    await wire.waitAnnouncement('10.77.0.100', d2.mac, t0, 3000);
  } finally {
    for (const p of peers) await p.stop();
    await lab.cleanup();
    for (const p of peers) p.removeFiles();
  }
});
