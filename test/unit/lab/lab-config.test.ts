import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfReadError, parseConfTree } from '../../../src/ops/lab/conf-tree.js';
import { readLabConfig } from '../../../src/ops/lab/lab-config.js';
import { makeLabPlan } from '../../../src/ops/lab/plan.js';
import { renderDirectorConf } from '../../../src/ops/lab/director-conf.js';
import { LabAddressError } from '../../../src/ops/lab/ipv4.js';

const example = (): string => readFileSync(join(process.cwd(), 'conf', 'keepalived.conf'), 'utf8');

test('conf tree: blocks, args, comments and quoted strings', () => {
  const t = parseConfTree('a 1 2 ! note\nb {\n  c "x # y"\n  d { e }\n}\n# all comment\n');
  assert.deepEqual(t.map((n) => [n.keyword, n.args]), [['a', ['1', '2']], ['b', []]]);
  assert.deepEqual(t[1]!.children.map((n) => [n.keyword, n.args, n.line]), [['c', ['x # y'], 3], ['d', [], 4]]);
  assert.equal(t[1]!.children[1]!.children[0]!.keyword, 'e');
});

test('conf tree: unbalanced braces are located errors', () => {
  assert.throws(() => parseConfTree('a {\n b\n', 'f.conf'), (e: unknown) => e instanceof ConfReadError && /f\.conf:1: block 'a' is not closed/.test(e.message));
  assert.throws(() => parseConfTree('a\n}\n', 'f.conf'), (e: unknown) => e instanceof ConfReadError && /f\.conf:2:/.test(e.message));
});

test('the bundled example: instances, sync group, NAT virtual server with three real servers', () => {
  const c = readLabConfig(example(), 'keepalived.conf');
  assert.deepEqual(c.instances.map((i) => [i.name, i.interface, i.vrid, i.priority, i.advertInt]), [['VI_FRONT', 'eth0', 51, 100, 1], ['VI_BACK', 'eth1', 52, 100, 1]]);
  assert.deepEqual(c.instances[0]!.vips, [{ address: '192.168.100.10', prefix: 24, dev: 'eth0' }]);
  assert.deepEqual(c.syncGroups, [{ name: 'VG_NAT', members: ['VI_FRONT', 'VI_BACK'] }]);
  assert.equal(c.virtualServers.length, 1);
  assert.deepEqual(c.virtualServers[0]!.realServers.map((r) => `${r.address}:${r.port}`), ['10.0.100.11:80', '10.0.100.12:80', '10.0.100.13:80']);
  assert.equal(c.scriptSecurity, true);
});

test('plan for the example: front and back networks, client, real servers gated via the config DIP', () => {
  const p = makeLabPlan(readLabConfig(example(), 'k.conf'), 'ka');
  assert.equal(p.frontIf, 'eth0');
  assert.deepEqual(p.networks.map((n) => n.ifname), ['eth0', 'eth1']);
  for (const n of p.networks) for (const a of n.directorAddrs) assert.ok(!['192.168.100.10', '10.0.100.1', '10.0.100.11', '10.0.100.12', '10.0.100.13'].includes(a));
  assert.notEqual(p.networks[0]!.directorAddrs[0], p.networks[0]!.directorAddrs[1]);
  assert.ok(p.clientAddr.startsWith('192.168.100.'));
  assert.ok(p.realServers.every((r) => r.gateway === '10.0.100.1' && r.network === 'eth1'));
  assert.equal(p.addedDip, undefined);
  assert.equal(p.prefix, 'kt-lab-ka-');
});

test('a NAT config without a DIP: the lab adds one in a sync group, and says so', () => {
  const text = `vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 7\n advert_int 1\n virtual_ipaddress {\n  10.1.1.10/24\n }\n}\nvirtual_server 10.1.1.10 80 {\n lb_kind NAT\n real_server 10.2.2.5 8080 {\n }\n}\n`;
  const cfg = readLabConfig(text, 'n.conf');
  const p = makeLabPlan(cfg, 'x1');
  assert.equal(p.addedDip?.ifname, 'lab-back');
  assert.equal(p.addedDip?.vrid, 8);
  assert.ok(p.addedDip?.address.startsWith('10.2.2.'));
  assert.equal(p.realServers[0]!.gateway, p.addedDip?.address);
  const d = renderDirectorConf(cfg, p, { healthFile: '/run/h', advertInt: 0.5 });
  const reread = readLabConfig(d.text, 'gen.conf');
  assert.deepEqual(reread.instances.map((i) => i.name), ['VI_1', 'LAB_DIP']);
  assert.deepEqual(reread.syncGroups, [{ name: 'LAB_SYNC', members: ['VI_1', 'LAB_DIP'] }]);
  assert.ok(reread.instances.every((i) => i.advertInt === 0.5 && i.trackScripts.includes('lab_drill_health')));
  assert.equal(reread.vrrpVersion, 3);
  // keepalived resolves track_script names while parsing: the script must precede its users.
  assert.ok(d.text.indexOf('vrrp_script lab_drill_health') < d.text.indexOf('vrrp_instance VI_1'));
  assert.ok(d.added.some((a) => a.includes('LAB_DIP')));
});

test('the example rendered for a director keeps its sync group and adds the tracked health file', () => {
  const cfg = readLabConfig(example(), 'k.conf');
  const d = renderDirectorConf(cfg, makeLabPlan(cfg, 'ka'), { healthFile: '/run/ka-ts/lab/ka/d1.healthy' });
  const re = readLabConfig(d.text, 'gen.conf');
  assert.deepEqual(re.syncGroups, cfg.syncGroups);
  assert.deepEqual(re.scripts, [{ name: 'lab_drill_health', command: '/usr/bin/test -e /run/ka-ts/lab/ka/d1.healthy', line: 2 }]);
  assert.ok(re.instances.every((i) => i.trackScripts.includes('lab_drill_health') && i.advertInt === 1));
});

test('bad lab names and IPv6-only configs are refused with a clear error', () => {
  const cfg = readLabConfig(example(), 'k.conf');
  assert.throws(() => makeLabPlan(cfg, 'Bad-Name'), LabAddressError);
  const v6 = readLabConfig('vrrp_instance V {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n  fd00::10/64\n }\n}\n', 'v6.conf');
  assert.throws(() => makeLabPlan(v6, 'x'), (e: unknown) => e instanceof LabAddressError && /eth0 carries no IPv4 VIP/.test(e.message));
});
