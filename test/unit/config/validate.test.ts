import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exitCodeOf } from '../../../parsers/diagnostics.js';
import { codes, parseText } from './parse-helpers.js';

const inst = (name: string, body: string): string => `vrrp_instance ${name} {\n${body.includes('interface') ? '' : ' interface eth0\n'}${body}\n}\n`;

test('duplicate VRID on one interface (keepalived issue 389)', () => {
  const r = parseText(inst('A', ' interface eth0\n virtual_router_id 5\n virtual_ipaddress {\n 10.0.0.1\n }') + inst('B', ' interface eth0\n virtual_router_id 5\n virtual_ipaddress {\n 10.0.0.2\n }') + inst('C', ' interface eth1\n virtual_router_id 5\n virtual_ipaddress {\n 10.0.0.3\n }'), { validate: true });
  assert.deepEqual(codes(r), ['duplicate-vrid']);
  assert.equal(r.sink.items[0]!.loc?.line, 8);
  assert.match(r.sink.items[0]!.message, /already used on eth0 by vrrp_instance A/);
});

test('undefined track_script, sync group members, instance in two groups', () => {
  const r = parseText(inst('A', ' virtual_router_id 1\n virtual_ipaddress {\n 10.0.0.1\n }\n track_script {\n nope\n }') + 'vrrp_sync_group G1 {\n group {\n A\n ghost\n }\n}\nvrrp_sync_group G2 {\n group {\n A\n }\n}\n', { validate: true });
  assert.deepEqual(codes(r), ['undefined-track-script', 'sync-member-undefined', 'sync-group-single', 'sync-member-twice', 'sync-group-empty']);
  assert.deepEqual(r.model.vrrpSyncGroups.map((g) => g.group), [['A']]);
});

test('family consistency, missing VRID, state/nopreempt, no VIP', () => {
  const r = parseText(inst('A', ' virtual_router_id 1\n virtual_ipaddress {\n 10.0.0.1\n fe80::1\n }') + inst('B', ' priority 10') + inst('C', ' virtual_router_id 3\n state MASTER\n nopreempt'), { validate: true });
  assert.deepEqual(codes(r), ['vip-family-mix', 'missing-vrid', 'nopreempt-master', 'no-vip']);
  assert.deepEqual(r.model.vrrpInstances.map((v) => v.name), ['A', 'C']);
  assert.equal(r.model.vrrpInstances[1]!.nopreempt, false);
  assert.equal(exitCodeOf(r.sink.items), 5);
});

test('VRRPv2 advert_int is rounded to whole seconds, v3 to centiseconds', () => {
  const r = parseText(inst('A', ' virtual_router_id 1\n advert_int 1.5\n virtual_ipaddress {\n 10.0.0.1\n }') + inst('B', ' version 3\n virtual_router_id 2\n advert_int 0.25\n virtual_ipaddress {\n 10.0.0.2\n }'), { validate: true });
  assert.deepEqual(codes(r), ['advert-int-v2']);
  assert.deepEqual(r.model.vrrpInstances.map((v) => v.advertIntMs), [2000, 250]);
});

test('virtual_server group must exist; quorum above total weight is reduced', () => {
  const r = parseText('virtual_server group NOPE {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n}\nvirtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n quorum 5\n real_server 10.0.0.2 80 {\n weight 2\n }\n}\n', { validate: true });
  assert.deepEqual(codes(r), ['undefined-vs-group', 'quorum-unreachable']);
  assert.equal(r.model.virtualServers.length, 1);
  assert.equal(r.model.virtualServers[0]!.quorum, 2);
});
