import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpvsadmSave } from '../../../src/ipvs/ipvsadm-parse.js';
import { nftSupports } from '../../../src/ipvs/nft-support.js';
import type { VirtualServerSpec } from '../../../src/ipvs/spec.js';
import { destChain, nftObjects, persistSet, serviceChain, slotCounts } from '../../../src/ipvs/nft-ruleset.js';
import { nftTableTransaction } from '../../../src/ipvs/nft-transaction.js';

test('slot counts: rr one per live destination, wrr weight/gcd, sh weight; weight 0 gets none', () => {
  const t = parseIpvsadmSave([
    '-A -t 10.0.0.1:80 -s wrr', '-a -t 10.0.0.1:80 -r 10.1.0.1:80 -m -w 4', '-a -t 10.0.0.1:80 -r 10.1.0.2:80 -m -w 6', '-a -t 10.0.0.1:80 -r 10.1.0.3:80 -m -w 0',
    '-A -t 10.0.0.2:80 -s rr', '-a -t 10.0.0.2:80 -r 10.1.0.1:80 -m -w 4', '-a -t 10.0.0.2:80 -r 10.1.0.2:80 -m -w 6',
    '-A -t 10.0.0.3:80 -s sh', '-a -t 10.0.0.3:80 -r 10.1.0.1:80 -m -w 4', '-a -t 10.0.0.3:80 -r 10.1.0.2:80 -m -w 6',
  ].join('\n'));
  const slots = (k: string) => slotCounts(t.services.get(k)!).map((s) => `${s.dkey}*${s.slots}`);
  assert.deepEqual(slots('-t 10.0.0.1:80'), ['10.1.0.1:80*2', '10.1.0.2:80*3']);
  assert.deepEqual(slots('-t 10.0.0.2:80'), ['10.1.0.1:80*1', '10.1.0.2:80*1']);
  assert.deepEqual(slots('-t 10.0.0.3:80'), ['10.1.0.1:80*4', '10.1.0.2:80*6']);
});

test('exact nft transaction for a wrr service with persistence and an IPv6 sh-port service', () => {
  const t = parseIpvsadmSave([
    '-A -t 192.0.2.10:80 -s wrr -p 300 -M 255.255.255.0',
    '-a -t 192.0.2.10:80 -r 10.1.0.1:8080 -m -w 3',
    '-a -t 192.0.2.10:80 -r 10.1.0.2:8080 -m -w 0',
    '-A -t [2001:db8::10]:443 -s sh -b sh-port',
    '-a -t [2001:db8::10]:443 -r [2001:db8::2]:443 -m -w 1',
  ].join('\n'));
  const v4 = '-t 192.0.2.10:80';
  const v6 = '-t [2001:db8::10]:443';
  const s4 = serviceChain(v4);
  const s6 = serviceChain(v6);
  const d1 = destChain(v4, '10.1.0.1:8080');
  const d2 = destChain(v4, '10.1.0.2:8080');
  const d6 = destChain(v6, '[2001:db8::2]:443');
  const p1 = persistSet(t.services.get(v4)!, '10.1.0.1:8080');
  const p2 = persistSet(t.services.get(v4)!, '10.1.0.2:8080');
  const tx = nftTableTransaction(t, { chains: ['prerouting', 'output', 'services', s4, 'svc_gone'], sets: [p1!, 'p_gone'], maps: [] });
  const out = tx.script;
  assert.equal(out, [
    'add table inet kats',
    'add chain inet kats prerouting { type nat hook prerouting priority dstnat; policy accept; }',
    'add chain inet kats output { type nat hook output priority -100; policy accept; }',
    'add chain inet kats services',
    'add map inet kats fwm { type nf_proto . mark : verdict; }',
    'add map inet kats svc4 { type ipv4_addr . inet_proto . inet_service : verdict; }',
    'add map inet kats svc6 { type ipv6_addr . inet_proto . inet_service : verdict; }',
    'flush map inet kats fwm',
    'flush map inet kats svc4',
    'flush map inet kats svc6',
    'flush chain inet kats prerouting',
    'flush chain inet kats output',
    'flush chain inet kats services',
    `flush chain inet kats ${s4}`,
    'flush chain inet kats svc_gone',
    'delete chain inet kats svc_gone',
    'delete set inet kats p_gone',
    'add rule inet kats prerouting jump services',
    'add rule inet kats output jump services',
    'add rule inet kats services meta mark != 0 meta nfproto . meta mark vmap @fwm',
    'add rule inet kats services ip daddr . meta l4proto . th dport vmap @svc4',
    'add rule inet kats services ip6 daddr . meta l4proto . th dport vmap @svc6',
    // sorted by service key: "-t 192…" < "-t [2001…"
    `add chain inet kats ${s4}`,
    `add rule inet kats ${s4} continue comment "-A -t 192.0.2.10:80 -s wrr -p 300 -M 255.255.255.0"`,
    `add chain inet kats ${d1}`,
    `add set inet kats ${p1} { type ipv4_addr; flags dynamic,timeout; timeout 300s; }`,
    `add rule inet kats ${d1} meta l4proto tcp update @${p1} { ip saddr & 255.255.255.0 } dnat ip to 10.1.0.1:8080 comment "-a -t 192.0.2.10:80 -r 10.1.0.1:8080 -m -w 3"`,
    `add chain inet kats ${d2}`,
    `add set inet kats ${p2} { type ipv4_addr; flags dynamic,timeout; timeout 300s; }`,
    `add rule inet kats ${d2} meta l4proto tcp update @${p2} { ip saddr & 255.255.255.0 } dnat ip to 10.1.0.2:8080 comment "-a -t 192.0.2.10:80 -r 10.1.0.2:8080 -m -w 0"`,
    `add rule inet kats ${s4} meta l4proto tcp ip saddr & 255.255.255.0 @${p1} update @${p1} { ip saddr & 255.255.255.0 } dnat ip to 10.1.0.1:8080`,
    `add rule inet kats ${s4} meta l4proto tcp ip saddr & 255.255.255.0 @${p2} update @${p2} { ip saddr & 255.255.255.0 } dnat ip to 10.1.0.2:8080`,
    `add rule inet kats ${s4} meta l4proto tcp numgen inc mod 1 vmap { 0 : jump ${d1} }`,
    `add element inet kats svc4 { 192.0.2.10 . tcp . 80 : jump ${s4} }`,
    `add chain inet kats ${s6}`,
    `add rule inet kats ${s6} continue comment "-A -t [2001:db8::10]:443 -s sh -b sh-port"`,
    `add chain inet kats ${d6}`,
    `add rule inet kats ${d6} meta l4proto tcp dnat ip6 to [2001:db8::2]:443 comment "-a -t [2001:db8::10]:443 -r [2001:db8::2]:443 -m -w 1"`,
    `add rule inet kats ${s6} meta l4proto tcp jhash ip6 saddr . th sport mod 1 seed 0x0 vmap { 0 : jump ${d6} }`,
    `add element inet kats svc6 { 2001:db8::10 . tcp . 443 : jump ${s6} }`,
    '',
  ].join('\n'));
  assert.deepEqual(nftObjects(t).sets, [p1, p2]);
  assert.deepEqual(tx.after, nftObjects(t), 'after the transaction the table holds exactly what it needs');
});

test('persistence sets are renamed when the persistence settings change (fresh timeout)', () => {
  const a = parseIpvsadmSave('-A -t 192.0.2.10:80 -s rr -p 300\n-a -t 192.0.2.10:80 -r 10.1.0.1:80 -m -w 1');
  const b = parseIpvsadmSave('-A -t 192.0.2.10:80 -s rr -p 60\n-a -t 192.0.2.10:80 -r 10.1.0.1:80 -m -w 1');
  const k = '-t 192.0.2.10:80';
  assert.notEqual(persistSet(a.services.get(k)!, '10.1.0.1:80'), persistSet(b.services.get(k)!, '10.1.0.1:80'));
});

test('nftSupports: clear reasons for what nftables cannot express', () => {
  assert.deepEqual(nftSupports({ scheduler: 'wrr', realServers: [{ address: '10.1.0.1', method: 'masq' }] }), []);
  assert.deepEqual(nftSupports({ scheduler: 'sh', flags: ['sh-port'], realServers: [] }), []);
  const why = nftSupports({
    scheduler: 'wlc', ops: true, flags: ['sh-fallback'], persistenceEngine: 'sip',
    realServers: [{ address: '10.1.0.1', method: 'route' }, { address: '10.1.0.2', method: 'masq', upperThreshold: 10 }],
  });
  assert.equal(why.length, 6, why.join('\n'));
  assert.match(why[0]!, /lb_algo wlc .* supports rr, wrr and sh/);
  assert.ok(why.some((w) => /real_server 10\.1\.0\.1: lvs_method DR needs kernel IPVS/.test(w)));
  assert.ok(why.some((w) => /real_server 10\.1\.0\.2: uthreshold/.test(w)));
});

test('nftSupports takes a VirtualServerSpec as the config layer produces it', () => {
  const vs: VirtualServerSpec = {
    id: 'TCP:192.0.2.10:80', target: { kind: 'addr', address: '192.0.2.10', port: 80 }, protocol: 'tcp', scheduler: 'wlc',
    realServers: [{ address: '10.1.0.1', port: 80, weight: 1, method: 'masq' }], sorryServer: { address: '10.9.9.9', weight: 1, method: 'tunnel' },
  };
  assert.deepEqual(nftSupports(vs).map((w) => w.split(' ').slice(0, 2).join(' ')), ['lb_algo wlc', 'real_server 10.9.9.9:']);
});
