import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchText } from '../../../src/vrrp/engine/ip-batch-addresses.js';
import { factsFromIpJson, parseLinkMonitorLine } from '../../../src/vrrp/engine/ip-link-port.js';
import { garpFrame, naMessage } from '../../../src/vrrp/engine/announcer.js';
import { splitIpv4 } from '../../../src/vrrp/engine/raw-socket-transport.js';

test('ip batch: removals first, replace for adds, IPv6 without DAD, optional brd/scope/label', () => {
  assert.equal(batchText(
    [{ cidr: '10.0.0.1/24', dev: 'eth0', brd: '10.0.0.255', scope: 'global', label: 'eth0:1' }, { cidr: 'fd00::1/64', dev: 'eth0' }],
    [{ cidr: '10.0.0.9', dev: 'eth1' }],
  ), 'addr del 10.0.0.9/32 dev eth1\naddr replace 10.0.0.1/24 dev eth0 broadcast 10.0.0.255 scope global label eth0:1\naddr replace fd00::1/64 dev eth0 nodad\n');
});

test('link monitor lines and ip -j addr facts', () => {
  assert.deepEqual(parseLinkMonitorLine('3: eth0@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP'), { ifname: 'eth0', up: true });
  assert.deepEqual(parseLinkMonitorLine('3: eth0@if4: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 state LOWERLAYERDOWN'), { ifname: 'eth0', up: false });
  assert.deepEqual(parseLinkMonitorLine('Deleted 3: eth0@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500'), { ifname: 'eth0', up: false });
  assert.equal(parseLinkMonitorLine('    link/ether 00:11:22:33:44:55'), undefined);
  const f = factsFromIpJson(JSON.stringify([{ ifindex: 3, ifname: 'eth0', flags: ['BROADCAST', 'UP', 'LOWER_UP'], address: '02:00:00:00:00:01',
    addr_info: [{ family: 'inet', local: '10.0.0.1' }, { family: 'inet', local: '10.0.0.100', secondary: true }, { family: 'inet6', local: 'fe80::1', scope: 'link' }] }]));
  assert.deepEqual(f, { ifindex: 3, mac: '02:00:00:00:00:01', up: true, ipv4: '10.0.0.1', ipv6LinkLocal: 'fe80::1' });
});

test('GARP frame and NA message bytes', () => {
  assert.equal(garpFrame('02:00:00:00:00:01', '10.0.0.100').toString('hex'),
    'ffffffffffff' + '020000000001' + '0806' + '0001080006040001' + '020000000001' + '0a000064' + 'ffffffffffff' + '0a000064');
  assert.equal(naMessage('02:00:00:00:00:01', 'fd00::100').toString('hex'),
    '88000000' + '20000000' + 'fd000000000000000000000000000100' + '0201' + '020000000001');
});

test('IPv4 raw datagram split: TTL, destination, lengths, payload after the header', () => {
  const ip = Buffer.from('45c0002000004000ff70000' + '00a4d0001e0000012', 'hex');
  const d = splitIpv4(Buffer.concat([ip, Buffer.from('3133640100640000', 'hex')]), '10.77.0.1')!;
  assert.equal(d.ttl, 255);
  assert.equal(d.dst, '224.0.0.18');
  assert.equal(d.ipHeaderLength, 20);
  assert.equal(d.ipTotalLength, 32);
  assert.equal(d.payload.toString('hex'), '3133640100640000');
  assert.equal(splitIpv4(Buffer.alloc(10), '1.2.3.4'), undefined);
});
