import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exitCodeOf } from '../../../parsers/diagnostics.js';
import { codes, parseText } from './parse-helpers.js';

test('defaults are keepalived\'s, durations in milliseconds', () => {
  const r = parseText('vrrp_instance V {\n interface eth0\n virtual_router_id 7\n virtual_ipaddress {\n 10.0.0.1/24 dev eth0 label eth0:1 no_track\n }\n}\n');
  const v = r.model.vrrpInstances[0]!;
  assert.equal(v.priority, 100);
  assert.equal(v.advertIntMs, 1000);
  assert.equal(v.state, 'BACKUP');
  assert.equal(v.downTimerAdverts, 3);
  assert.deepEqual(v.virtualIpaddresses[0], { address: '10.0.0.1', prefixLen: 24, family: 'inet', dev: 'eth0', label: 'eth0:1', noTrack: true, loc: { file: '/etc/keepalived/keepalived.conf', line: 5, col: 2 } });
  assert.equal(r.model.globalDefs.vrrpGarpMasterDelayMs, 5000);
  assert.equal(r.model.globalDefs.smtpConnectTimeoutMs, 30000);
});

test('braces on the next line, fractional seconds, tracking weights', () => {
  const r = parseText('vrrp_script chk\n{\n script "/bin/true"\n interval 0.5\n weight -20\n}\nvrrp_instance V\n{\n virtual_router_id 1\n advert_int 2\n track_script {\n chk weight 10\n }\n}\n');
  assert.deepEqual(codes(r), []);
  assert.equal(r.model.vrrpScripts[0]!.intervalMs, 500);
  assert.equal(r.model.vrrpScripts[0]!.weight, -20);
  assert.equal(r.model.vrrpInstances[0]!.advertIntMs, 2000);
  assert.deepEqual(r.model.vrrpInstances[0]!.trackScripts.map((t) => [t.name, t.weight]), [['chk', 10]]);
});

test('a keyword missing its value stops like keepalived (exit 2)', () => {
  const r = parseText('vrrp_instance V {\n interface\n virtual_router_id 1\n}\n');
  assert.equal(r.stopped, true);
  assert.equal(exitCodeOf(r.sink.items), 2);
  assert.equal(r.sink.items[0]!.loc?.line, 2);
  assert.match(r.sink.items[0]!.message, /'interface' needs a value/);
});

test('unknown keywords and deprecated spellings are located', () => {
  const r = parseText('virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind DR\n protocol TCP\n nat_mask 255.255.255.0\n real_server 10.0.0.2 80 {\n HTTP_GET {\n url {\n path /\n }\n nb_get_retry 3\n }\n TCP_CHECK {\n nb_get_retry 3\n }\n }\n}\n');
  assert.deepEqual(r.sink.items.map((d) => [d.code, d.loc?.line]), [['unknown-keyword', 5], ['deprecated-keyword', 11], ['unknown-keyword', 14]]);
  const hc = r.model.virtualServers[0]!.realServers[0]!.checkers[0]!;
  assert.equal(hc.type, 'HTTP_GET');
  assert.equal(hc.retry, 3);
});

test('ranges and enums', () => {
  const r = parseText('vrrp_instance V {\n virtual_router_id 256\n priority 0\n}\nvirtual_server 10.0.0.1 80 {\n lb_algo nope\n lb_kind FNAT\n protocol TCP\n}\n');
  assert.deepEqual(codes(r), ['out-of-range', 'out-of-range', 'invalid-enum', 'invalid-lb-kind', 'no-lb-algo', 'no-lb-kind']);
});

test('virtual_server forms: IP PORT, fwmark, group; real servers and checkers', () => {
  const r = parseText([
    'virtual_server_group G {\n 10.0.0.1-5 80\n fwmark 3\n}',
    'virtual_server fwmark 7 {\n lb_algo sh\n lb_kind DR\n real_server 10.0.1.1 0 {\n weight 3\n PING_CHECK {\n }\n }\n}',
    'virtual_server group G {\n lb_algo rr\n lb_kind NAT\n protocol UDP\n real_server 10.0.1.2 53 {\n DNS_CHECK {\n name example.org\n }\n MISC_CHECK {\n misc_path "/bin/true x"\n misc_timeout 3\n }\n }\n}',
  ].join('\n'));
  assert.deepEqual(codes(r), []);
  const [fw, grp] = r.model.virtualServers;
  assert.deepEqual(fw!.key, { kind: 'fwmark', fwmark: 7, family: 'inet' });
  assert.equal(fw!.realServers[0]!.weight, 3);
  assert.deepEqual(grp!.key, { kind: 'group', group: 'G' });
  assert.deepEqual(grp!.realServers[0]!.checkers.map((c) => c.type), ['DNS_CHECK', 'MISC_CHECK']);
  assert.deepEqual(r.model.virtualServerGroups[0]!.entries.map((e) => [e.kind, e.address ?? e.fwmark, e.rangeEnd]), [['ip', '10.0.0.1', 5], ['fwmark', 3, undefined]]);
});

test('auth_pass is truncated to 8 characters with a warning', () => {
  const r = parseText('vrrp_instance V {\n virtual_router_id 1\n authentication {\n auth_type PASS\n auth_pass 0123456789\n }\n}\n');
  assert.deepEqual(codes(r), ['auth-pass-truncated']);
  assert.deepEqual(r.model.vrrpInstances[0]!.authentication, { type: 'PASS', pass: '01234567' });
});

test('random binary input never throws', () => {
  const junk = Array.from({ length: 2000 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join('');
  const r = parseText(junk);
  assert.ok(r.sink.items.every((d) => d.loc === undefined || d.loc.line >= 1));
});

// Found by the YAML property test: an entry word starting with '-' crashed the range match.
test('a virtual_server_group entry starting with "-" is reported and skipped, not thrown', () => {
  const r = parseText('virtual_server_group G {\n  -l_server_group x\n  10.0.0.1 80\n}\n');
  assert.deepEqual(codes(r), ['vsg-address']);
  assert.equal(r.model.virtualServerGroups[0]!.entries.length, 1);
});

test('top-level keywords ka-ts does not act on are said where they are, keeping keepalived\'s exit code', () => {
  const r = parseText('net_namespace blue\nchild_wait_time 10\nbfd_instance b1 {\n  neighbor_ip 10.0.0.2\n}\nglobal_defs {\n  router_id x\n}\n');
  assert.deepEqual(r.sink.items.map((d) => [d.code, d.loc?.line, d.exitClass]), [['not-implemented', 1, 0], ['not-implemented', 3, 0]]);
  assert.match(r.sink.items[0]!.message, /net_namespace: accepted and ignored - ka-ts runs in the network namespace it is started in/);
  assert.equal(exitCodeOf(r.sink.items), 0);
});
