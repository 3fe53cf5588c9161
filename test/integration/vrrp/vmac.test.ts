// use_vmac in a mixed pair, both directors configured alike: the master's adverts and gratuitous
// ARPs carry the VRRP MAC 00:00:5e:00:01:33 from a macvlan vrrp.51 that holds the VIP, ARP for
// the VIP is answered from that MAC and not by the base interface, and the MAC moves on failover. On stop ka-ts removes its macvlan and restores the base
// interface's ARP settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rootSkipReason } from '../lib/netns.js';
import { instance, takeoverMs, withScenario } from './scenario.js';

const VIP = '10.77.0.100';
const VMAC = '00:00:5e:00:01:33';

test('use_vmac: ka-ts master on vrrp.51 with the VRRP MAC, keepalived (use_vmac too) takes over on stop', { skip: rootSkipReason() }, () => withScenario(async (s) => {
  const sysctl = async (ns: string, key: string): Promise<string> => (await s.dl.lab.exec(ns, 'sysctl', ['-n', key])).stdout.trim();
  const arpBefore = [await sysctl(s.d1.ns, 'net.ipv4.conf.eth0.arp_ignore'), await sysctl(s.d1.ns, 'net.ipv4.conf.eth0.arp_filter')];
  const master = s.start(0, 'ka-ts', { routerId: 'm', instances: [instance({ priority: 150, state: 'MASTER', useVmac: true })] });
  await master.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
  const backup = s.start(1, 'keepalived', { routerId: 'b', instances: [instance({ priority: 100, state: 'BACKUP', useVmac: true })] });
  await backup.waitForState('VI_1', 'BACKUP', takeoverMs(0.2));

  // The macvlan: private mode on eth0, the VRRP MAC, up, holding the VIP.
  const link = JSON.parse((await s.dl.lab.ip(s.d1.ns, ['-d', '-j', 'addr', 'show', 'dev', 'vrrp.51'])).stdout)[0];
  assert.equal(link.address, VMAC);
  assert.equal(link.link, 'eth0');
  assert.equal(link.linkinfo.info_kind, 'macvlan');
  assert.equal(link.linkinfo.info_data.mode, 'private');
  assert.ok(link.flags.includes('UP'));
  assert.deepEqual(link.addr_info.filter((a: { family: string }) => a.family === 'inet').map((a: { local: string }) => a.local), [VIP]);
  assert.equal(await sysctl(s.d1.ns, 'net.ipv4.conf.vrrp/51.arp_ignore'), '1');
  assert.equal(await sysctl(s.d1.ns, 'net.ipv4.conf.eth0.arp_ignore'), '1');

  // On the wire: adverts and GARP from the virtual MAC, with the base interface's address as source.
  const ka = s.wire.adverts(51).filter((f) => f.priority === 150);
  assert.ok(ka.length > 0 && ka.every((f) => f.srcMac === VMAC), `adverts from ${[...new Set(ka.map((f) => f.srcMac))].join(', ')}`);
  assert.ok(ka.some((f) => f.line.includes(`${s.d1.v4} > 224.0.0.18`)), ka[0]?.line);
  assert.ok(s.wire.announcements(VIP, VMAC).length > 0, 'GARP for the VIP from the virtual MAC');
  assert.equal(s.wire.announcements(VIP, s.d1.mac).length, 0, 'no GARP from the base MAC');

  // The client reaches the VIP; its ARP question is answered by the virtual MAC only (the base
  // interface, with arp_ignore 1, keeps quiet about an address it does not hold).
  const tArp = Date.now();
  await s.dl.lab.ip(s.dl.client.ns, ['neigh', 'flush', 'dev', 'eth0']);
  await s.dl.lab.exec(s.dl.client.ns, 'ping', ['-c', '1', '-W', '2', VIP]);
  await new Promise((r) => setTimeout(r, 300));
  const replies = s.wire.frames.filter((f) => f.atMs >= tArp && f.line.includes(`Reply ${VIP} is-at`));
  assert.ok(replies.length > 0 && replies.every((f) => f.srcMac === VMAC), replies.map((f) => f.line).join('\n'));

  // Stop: keepalived's macvlan takes the same MAC over; ka-ts leaves nothing behind.
  const t0 = Date.now();
  await master.stop();
  await backup.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
  await s.wire.waitAnnouncement(VIP, VMAC, t0, 3000);
  assert.ok(s.wire.adverts(51, VMAC, t0).some((f) => f.priority === 100), 'keepalived advertises from the same virtual MAC');
  assert.equal((await s.dl.lab.ip(s.d1.ns, ['-j', 'link', 'show'])).stdout.includes('vrrp.51'), false, 'ka-ts removed vrrp.51');
  assert.deepEqual([await sysctl(s.d1.ns, 'net.ipv4.conf.eth0.arp_ignore'), await sysctl(s.d1.ns, 'net.ipv4.conf.eth0.arp_filter')], arpBefore, 'base ARP settings restored');
  await s.dl.lab.exec(s.dl.client.ns, 'ping', ['-c', '1', '-W', '2', VIP]);
}));

// IPv6 (VRRPv3): the macvlan carries 00:00:5e:00:02:33 and the base interface's link-local address,
// which the adverts come from; keepalived as the backup, also with use_vmac.
test('use_vmac IPv6: adverts and NAs from 00:00:5e:00:02:33, sent from the base link-local', { skip: rootSkipReason() }, () => withScenario(async (s) => {
  const VIP6 = 'fd77::100';
  const VMAC6 = '00:00:5e:00:02:33';
  const master = s.start(0, 'ka-ts', { routerId: 'm', instances: [instance({ priority: 150, state: 'MASTER', useVmac: true, vips: [`${VIP6}/64`] })] });
  await master.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
  const backup = s.start(1, 'keepalived', { routerId: 'b', instances: [instance({ priority: 100, state: 'BACKUP', useVmac: true, vips: [`${VIP6}/64`] })] });
  await backup.waitForState('VI_1', 'BACKUP', takeoverMs(0.2));
  const lls = (JSON.parse((await s.dl.lab.ip(s.d1.ns, ['-6', '-j', 'addr', 'show', 'dev', 'eth0'])).stdout) as Array<{ addr_info?: Array<{ local: string }> }>)
    .flatMap((l) => l.addr_info ?? []).map((a) => a.local).filter((a) => a.startsWith('fe80'));
  assert.equal(lls.length, 1);
  const base = lls[0]!;
  const vm = JSON.parse((await s.dl.lab.ip(s.d1.ns, ['-6', '-j', 'addr', 'show', 'dev', 'vrrp.51'])).stdout)[0];
  assert.deepEqual(vm.addr_info.map((a: { local: string }) => a.local).sort(), [VIP6, base].sort());
  const ka = s.wire.adverts(51).filter((f) => f.priority === 150);
  assert.ok(ka.length > 0 && ka.every((f) => f.srcMac === VMAC6 && f.line.includes(`${base} > ff02::12`)), ka[0]?.line);
  await s.wire.waitAnnouncement(VIP6, VMAC6, 0, 3000);
  const t0 = Date.now();
  await master.stop();
  await backup.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
  await s.wire.waitAnnouncement(VIP6, VMAC6, t0, 3000);
}));
