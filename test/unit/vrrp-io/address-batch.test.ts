import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchLines, parseBatchErrors } from '../../../src/vrrp/io/address-manager.js';

test('batch lines: removals first, every VIP form, rules re-added idempotently', () => {
  const lines = batchLines({
    addAddresses: [
      { cidr: '10.0.0.10/24', dev: 'eth0', brd: '10.0.0.255', scope: 'global', label: 'eth0:vip' },
      { cidr: '10.0.0.11', dev: 'eth0' },
      { cidr: 'fd00::10', dev: 'eth1' },
    ],
    removeAddresses: [{ cidr: '10.0.0.12/32', dev: 'eth0' }],
    addRoutes: [{ family: 'ipv4', words: ['192.168.9.0/24', 'via', '10.0.0.1', 'no_track'] }],
    removeRoutes: [{ family: 'ipv4', words: ['192.168.8.0/24', 'dev', 'eth0'] }],
    addRules: [{ family: 'ipv6', words: ['from', 'fd00::10', 'table', '100'] }],
  });
  assert.deepEqual(lines.filter((l) => l.needsFamilyFlag).map((l) => l.command), ['rule del from fd00::10 table 100', 'rule add from fd00::10 table 100']);
  assert.deepEqual(lines.map((l) => `${l.family} ${l.command}`), [
    'ipv4 route del 192.168.8.0/24 dev eth0',
    'ipv4 address del 10.0.0.12/32 dev eth0',
    'ipv4 address replace 10.0.0.10/24 dev eth0 broadcast 10.0.0.255 scope global label eth0:vip',
    'ipv4 address replace 10.0.0.11/32 dev eth0',
    'ipv6 address replace fd00::10/128 dev eth1 nodad',
    'ipv4 route replace 192.168.9.0/24 via 10.0.0.1',
    'ipv6 rule del from fd00::10 table 100',
    'ipv6 rule add from fd00::10 table 100',
  ]);
});

test('IPv6 rules, and IPv6 routes without an IPv6 address, need ip -6', () => {
  const lines = batchLines({
    addRules: [{ family: 'ipv6', words: ['fwmark', '1', 'table', '100'] }, { family: 'ipv4', words: ['fwmark', '1', 'table', '100'] }],
    addRoutes: [{ family: 'ipv6', words: ['default', 'via', 'fe80::1', 'dev', 'eth0'] }, { family: 'ipv6', words: ['default', 'dev', 'eth0'] }],
  });
  assert.deepEqual(lines.map((l) => [l.command, l.needsFamilyFlag]), [
    ['route replace default via fe80::1 dev eth0', false],
    ['route replace default dev eth0', true],
    ['rule del fwmark 1 table 100', true],
    ['rule add fwmark 1 table 100', true],
    ['rule del fwmark 1 table 100', false],
    ['rule add fwmark 1 table 100', false],
  ]);
});

test('ip -force -batch stderr maps to line numbers', () => {
  const stderr = 'Error: ipv4: Address not found.\nCommand failed -:3\nRTNETLINK answers: No such process\nCommand failed -:7\n';
  assert.deepEqual([...parseBatchErrors(stderr)], [[3, 'Error: ipv4: Address not found.'], [7, 'RTNETLINK answers: No such process']]);
  assert.equal(parseBatchErrors('').size, 0);
});
