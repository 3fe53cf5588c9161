// Each doctor finding, from a broken situation built in network namespaces (and the same situation
// fixed, where that is cheap, to show the finding is not always raised).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetnsLab, rootSkipReason } from '../lib/netns.js';
import { runDoctor } from '../../../src/ops/doctor/run-doctor.js';
import { exitCodeFor, type Finding } from '../../../src/ops/doctor/finding.js';

const skip = rootSkipReason();
const lab = new NetnsLab('doctor');
const dir = mkdtempSync(join(tmpdir(), 'kt-doctor-'));
let nConf = 0;
after(async () => { await lab.cleanup(); });

function conf(text: string): string {
  nConf += 1;
  const f = join(dir, `k${nConf}.conf`);
  writeFileSync(f, text);
  return f;
}

const instance = (iface: string, vip: string, extra = ''): string => `
vrrp_instance VI_1 {
    interface ${iface}
    virtual_router_id 51
    priority 100
    advert_int 1
    virtual_ipaddress {
        ${vip}
    }
    ${extra}
}
`;
const GLOBAL = 'global_defs {\n    enable_script_security\n    script_user root\n}\n';

const ids = (f: readonly Finding[]): string[] => f.map((x) => x.id);

/** A director namespace with eth0 (front, 192.168.50.2/24) and eth1 (back, 10.0.50.2/24) into two bridges. */
async function director(tag: string): Promise<{ d: string; sw: string }> {
  const sw = await lab.addNs(`${tag}sw`);
  const d = await lab.addNs(`${tag}d`);
  await lab.bridge(sw, 'brf');
  await lab.bridge(sw, 'brb');
  await lab.plugIntoBridge(d, 'eth0', sw, 'brf', 'd-f');
  await lab.plugIntoBridge(d, 'eth1', sw, 'brb', 'd-b');
  await lab.addAddr(d, 'eth0', '192.168.50.2/24');
  await lab.addAddr(d, 'eth1', '10.0.50.2/24');
  return { d, sw };
}

test('interface-missing and interface-down', { skip }, async () => {
  const { d } = await director('if');
  await lab.ip(d, ['link', 'set', 'eth1', 'down']);
  const f = await runDoctor({ file: conf(GLOBAL + instance('eth9', '192.168.50.10/24') + instance('eth1', '10.0.50.1/24').replace('VI_1', 'VI_2').replace('51', '52')), ns: d });
  assert.deepEqual(ids(f).filter((x) => x.startsWith('interface')).sort(), ['interface-down', 'interface-missing']);
  assert.match(f.find((x) => x.id === 'interface-down')!.fix, /ip link set eth1 up/);
  assert.equal(exitCodeFor(f), 2);
});

test('vrrp-filtered: an nft rule dropping protocol 112, and an input policy drop without an accept', { skip }, async () => {
  const { d } = await director('nf');
  const file = conf(GLOBAL + instance('eth0', '192.168.50.10/24'));
  assert.deepEqual(ids(await runDoctor({ file, ns: d })), []);
  await lab.exec(d, 'nft', ['add table inet fw; add chain inet fw input { type filter hook input priority 0; policy accept; }; add rule inet fw input ip protocol vrrp drop'].flatMap((s) => s.split(' ')));
  const f = await runDoctor({ file, ns: d });
  assert.deepEqual(ids(f), ['vrrp-filtered']);
  assert.match(f[0]!.what, /inet fw input/);
  await lab.exec(d, 'nft', ['delete', 'table', 'inet', 'fw']);
  await lab.exec(d, 'nft', 'add table inet fw2 ; add chain inet fw2 input { type filter hook input priority 0 ; policy drop ; }'.split(' '));
  const g = await runDoctor({ file, ns: d });
  assert.deepEqual(ids(g), ['vrrp-filtered']);
  assert.match(g[0]!.fix, /nft insert rule inet fw2 input ip protocol vrrp accept/);
});

test('ip-forward-off on a NAT director', { skip }, async () => {
  const { d } = await director('fw');
  const file = conf(GLOBAL + instance('eth0', '192.168.50.10/24') + 'virtual_server 192.168.50.10 80 {\n lb_kind NAT\n lb_algo rr\n real_server 10.0.50.11 80 {\n }\n}\n');
  const f = await runDoctor({ file, ns: d });
  assert.ok(ids(f).includes('ip-forward-off'));
  await lab.exec(d, 'sysctl', ['-w', 'net.ipv4.ip_forward=1']);
  assert.ok(!ids(await runDoctor({ file, ns: d })).includes('ip-forward-off'));
});

test('realserver-route-not-via-dip: a NAT real server whose default route bypasses the director', { skip }, async () => {
  const { d, sw } = await director('rt');
  await lab.exec(d, 'sysctl', ['-w', 'net.ipv4.ip_forward=1']);
  await lab.addAddr(d, 'eth1', '10.0.50.1/24'); // the DIP, held by this director
  const rs = await lab.addNs('rtrs');
  await lab.plugIntoBridge(rs, 'eth0', sw, 'brb', 'rs-b');
  await lab.addAddr(rs, 'eth0', '10.0.50.11/24');
  await lab.ip(rs, ['route', 'add', 'default', 'via', '10.0.50.254']); // some other router, not the DIP
  const file = conf(GLOBAL + instance('eth0', '192.168.50.10/24') + instance('eth1', '10.0.50.1/24').replace('VI_1', 'VI_2').replace('51', '52')
    + 'virtual_server 192.168.50.10 80 {\n lb_kind NAT\n lb_algo rr\n real_server 10.0.50.11 80 {\n }\n}\n');
  const f = await runDoctor({ file, ns: d, realServers: ['10.0.50.11'] });
  const hit = f.find((x) => x.id === 'realserver-route-not-via-dip');
  assert.ok(hit, JSON.stringify(f));
  assert.match(hit.fix, /ip route replace default via 10\.0\.50\.1/);
  await lab.ip(rs, ['route', 'replace', 'default', 'via', '10.0.50.1']);
  assert.ok(!ids(await runDoctor({ file, ns: d, realServers: ['10.0.50.11'] })).includes('realserver-route-not-via-dip'));
});

test('arp-problem: a DR real server with the VIP on lo and arp_ignore=0 answers ARP for the VIP', { skip }, async () => {
  const { d, sw } = await director('ar');
  const rs = await lab.addNs('arrs');
  await lab.plugIntoBridge(rs, 'eth0', sw, 'brf', 'rs-f');
  await lab.addAddr(rs, 'eth0', '192.168.50.11/24');
  await lab.addAddr(rs, 'lo', '192.168.50.10/32');
  const file = conf(GLOBAL + instance('eth0', '192.168.50.10/24') + 'virtual_server 192.168.50.10 80 {\n lb_kind DR\n lb_algo rr\n real_server 192.168.50.11 80 {\n }\n}\n');
  const f = await runDoctor({ file, ns: d });
  const hit = f.find((x) => x.id === 'arp-problem');
  assert.ok(hit, JSON.stringify(f));
  assert.match(hit.what, /192\.168\.50\.11/);
  assert.match(hit.fix, /arp_ignore=1.*arp_announce=2/);
  // The how-to's fix makes it go away.
  await lab.exec(rs, 'sysctl', ['-w', 'net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.all.arp_announce=2']);
  await lab.exec(rs, 'sysctl', ['-w', 'net.ipv4.conf.eth0.arp_ignore=1']);
  assert.ok(!ids(await runDoctor({ file, ns: d })).includes('arp-problem'));
});

test('port-mismatch (DR cannot remap ports) and no-ipvs for DR on a kernel without IPVS', { skip }, async () => {
  const { d } = await director('pm');
  const file = conf(GLOBAL + instance('eth0', '192.168.50.10/24') + 'virtual_server 192.168.50.10 80 {\n lb_kind DR\n lb_algo rr\n real_server 192.168.50.11 8080 {\n }\n}\n');
  const f = await runDoctor({ file, ns: d });
  const pm = f.find((x) => x.id === 'port-mismatch');
  assert.ok(pm);
  assert.match(pm.where!, /k\d+\.conf:\d+$/);
  const ipvsPresent = (await lab.exec(d, 'cat', ['/proc/net/ip_vs'], true)).code === 0;
  assert.equal(ids(f).includes('no-ipvs'), !ipvsPresent);
});

test('service-on-management-address: ssh port on the director\'s own static address', { skip }, async () => {
  const { d } = await director('mg');
  const file = conf(GLOBAL + instance('eth0', '192.168.50.10/24') + 'virtual_server 192.168.50.2 22 {\n lb_kind NAT\n lb_algo rr\n real_server 10.0.50.11 22 {\n }\n}\n');
  await lab.exec(d, 'sysctl', ['-w', 'net.ipv4.ip_forward=1']);
  const f = await runDoctor({ file, ns: d });
  const hit = f.find((x) => x.id === 'service-on-management-address');
  assert.ok(hit);
  assert.equal(hit.severity, 'error');
  assert.match(hit.why, /lock yourself out/);
});

test('persistence-with-hash-scheduler', { skip }, async () => {
  const { d } = await director('ps');
  await lab.exec(d, 'sysctl', ['-w', 'net.ipv4.ip_forward=1']);
  const file = conf(GLOBAL + instance('eth0', '192.168.50.10/24') + 'virtual_server 192.168.50.10 80 {\n lb_kind NAT\n lb_algo sh\n persistence_timeout 300\n real_server 10.0.50.11 80 {\n }\n}\n');
  assert.deepEqual(ids(await runDoctor({ file, ns: d })), ['persistence-with-hash-scheduler']);
});

test('script-security-off, script-insecure and script-not-runnable', { skip }, async () => {
  const { d } = await director('sc');
  const open = join(dir, 'open');
  mkdirSync(open);
  chmodSync(open, 0o777); // writable by anyone, no sticky bit
  const script = join(open, 'check.sh');
  writeFileSync(script, '#!/bin/sh\nexit 0\n');
  chmodSync(script, 0o755);
  chmodSync(dir, 0o755);
  const body = `vrrp_script chk {\n    script "${script}"\n}\n` + instance('eth0', '192.168.50.10/24', 'track_script {\n chk\n }');
  const f = await runDoctor({ file: conf('global_defs {\n    script_user root\n}\n' + body), ns: d });
  assert.deepEqual(ids(f).sort(), ['script-insecure', 'script-security-off']);
  assert.match(f.find((x) => x.id === 'script-insecure')!.fix, /chmod go-w/);
  chmodSync(open, 0o755);
  assert.deepEqual(ids(await runDoctor({ file: conf(GLOBAL + body), ns: d })), []);
  const missing = body.replace(script, join(open, 'no-such-check.sh'));
  const m = await runDoctor({ file: conf(GLOBAL + missing), ns: d });
  assert.deepEqual(ids(m), ['script-not-runnable']);
  assert.match(m[0]!.what, /no-such-check\.sh/);
});
