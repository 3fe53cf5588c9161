import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMonitorLine } from '../../../src/vrrp/io/link-monitor.js';
import { parseIpAddrJson } from '../../../src/vrrp/io/interface-facts.js';

test('ip monitor link lines (real iproute2 6.1 output)', () => {
  assert.deepEqual(parseMonitorLine('3: a1@a2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default \\    link/ether c6:ed:a5:59:9a:1a brd ff:ff:ff:ff:ff:ff'),
    { ifname: 'a1', ifindex: 3, up: true, deleted: false });
  assert.equal(parseMonitorLine('2: a2@a1: <NO-CARRIER,BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state LOWERLAYERDOWN')?.up, false);
  assert.equal(parseMonitorLine('3: a1@a2: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500')?.up, false);
  assert.deepEqual(parseMonitorLine('Deleted 3: a1@NONE: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN'), { ifname: 'a1', ifindex: 3, up: false, deleted: true });
  assert.equal(parseMonitorLine('eth0: something else'), undefined);
});

test('ip -j addr: primary IPv4 skips secondaries, link-local IPv6, running state', () => {
  const json = JSON.stringify([{ ifindex: 4, ifname: 'eth0', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], address: '02:00:00:00:00:01', addr_info: [
    { family: 'inet6', local: 'fd00::1', scope: 'global' },
    { family: 'inet', local: '10.0.0.5', secondary: true },
    { family: 'inet', local: '10.0.0.1' },
    { family: 'inet6', local: 'fe80::1', scope: 'link' },
  ] }, { ifindex: 5, ifname: 'eth1', flags: ['BROADCAST', 'UP'], address: '02:00:00:00:00:02' }]);
  assert.deepEqual(parseIpAddrJson(json), [
    { ifname: 'eth0', ifindex: 4, mac: '02:00:00:00:00:01', up: true, ipv4: '10.0.0.1', ipv6LinkLocal: 'fe80::1' },
    { ifname: 'eth1', ifindex: 5, mac: '02:00:00:00:00:02', up: false },
  ]);
});
