import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanIptablesSave, scanNftRuleset } from '../../../src/ops/doctor/checks/vrrp-filter.js';
import { parseArpingReplies } from '../../../src/ops/doctor/checks/arp-problem.js';
import { checkPersistenceScheduler, checkPortMismatch } from '../../../src/ops/doctor/checks/config-rules.js';
import { exitCodeFor } from '../../../src/ops/doctor/finding.js';
import { parseDoctorArgs } from '../../../src/ops/doctor/command.js';
import { readLabConfig } from '../../../src/ops/lab/lab-config.js';

test('nft ruleset: drop rules for vrrp and input chains that drop by policy without accepting vrrp', () => {
  const text = `table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established accept
	}
	chain fwd {
		ip protocol vrrp drop
	}
}
table ip ok {
	chain input {
		type filter hook input priority filter; policy drop;
		ip protocol vrrp accept
	}
}
`;
  assert.deepEqual(scanNftRuleset(text), [
    { table: 'inet filter', chain: 'input', policyDrop: true },
    { table: 'inet filter', chain: 'fwd', rule: 'ip protocol vrrp drop', policyDrop: false },
  ]);
  assert.deepEqual(scanNftRuleset(''), []);
});

test('iptables-save: -p vrrp/112 with DROP or REJECT', () => {
  const t = '*filter\n-A INPUT -p vrrp -j DROP\n-A INPUT -p 112 -j ACCEPT\n-A INPUT -i eth0 -p 112 -j REJECT --reject-with icmp-port-unreachable\nCOMMIT\n';
  assert.deepEqual(scanIptablesSave(t), ['-A INPUT -p vrrp -j DROP', '-A INPUT -i eth0 -p 112 -j REJECT --reject-with icmp-port-unreachable']);
});

test('arping replies: distinct MACs, lower case', () => {
  const out = 'ARPING 10.0.0.10 from 10.0.0.2 eth0\nUnicast reply from 10.0.0.10 [AA:BB:CC:00:00:01]  0.6ms\nUnicast reply from 10.0.0.10 [AA:BB:CC:00:00:02]  0.7ms\nUnicast reply from 10.0.0.10 [AA:BB:CC:00:00:01]  0.5ms\nSent 2 probes\n';
  assert.deepEqual(parseArpingReplies(out), ['aa:bb:cc:00:00:01', 'aa:bb:cc:00:00:02']);
});

test('config rules: DR port mismatch, NAT may remap; persistence with sh', () => {
  const cfg = readLabConfig('virtual_server 1.1.1.1 80 {\n lb_kind DR\n real_server 1.1.1.2 8080 {\n }\n real_server 1.1.1.3 80 {\n }\n}\nvirtual_server 1.1.1.1 81 {\n lb_kind NAT\n lb_algo sh\n persistence_timeout 60\n real_server 1.1.1.2 8081 {\n }\n}\n', 'c.conf');
  const pm = checkPortMismatch(cfg);
  assert.equal(pm.length, 1);
  assert.equal(pm[0]!.where, 'c.conf:3');
  assert.deepEqual(checkPersistenceScheduler(cfg).map((f) => [f.id, f.where]), [['persistence-with-hash-scheduler', 'c.conf:8']]);
});

test('exit code is the worst finding; arguments', () => {
  assert.equal(exitCodeFor([]), 0);
  const f = { id: 'x', what: '', why: '', fix: '' };
  assert.equal(exitCodeFor([{ ...f, severity: 'info' }]), 0);
  assert.equal(exitCodeFor([{ ...f, severity: 'info' }, { ...f, severity: 'warning' }]), 1);
  assert.equal(exitCodeFor([{ ...f, severity: 'error' }, { ...f, severity: 'warning' }]), 2);
  assert.deepEqual(parseDoctorArgs(['-f', 'k.conf', '--realserver', 'a', '--realserver', 'b', '--json']), { file: 'k.conf', realServers: ['a', 'b'], json: true });
});

test('ARP request frame: broadcast, ARP ethertype, request, sender and target as given', async () => {
  const { arpRequestFrame, parseArpReplies } = await import('../../../src/ops/doctor/arp-probe.js');
  const f = arpRequestFrame('02:00:00:00:00:01', '10.0.0.2', '10.0.0.10');
  assert.equal(f.length, 60);
  assert.equal(f.subarray(0, 6).toString('hex'), 'ffffffffffff');
  assert.equal(f.subarray(6, 12).toString('hex'), '020000000001');
  assert.equal(f.subarray(12, 22).toString('hex'), '08060001080006040001');
  assert.equal(f.subarray(22, 28).toString('hex'), '020000000001');
  assert.equal(f.subarray(28, 32).toString('hex'), '0a000002');
  assert.equal(f.subarray(32, 38).toString('hex'), '000000000000');
  assert.equal(f.subarray(38, 42).toString('hex'), '0a00000a');
  const dump = '10:00:00.1 ARP, Reply 10.0.0.10 is-at 02:00:00:00:00:09, length 28\n10:00:00.2 ARP, Reply 10.0.0.11 is-at 02:00:00:00:00:08, length 28\n10:00:00.3 ARP, Reply 10.0.0.10 is-at 02:00:00:00:00:09, length 28\n';
  assert.deepEqual(parseArpReplies(dump, '10.0.0.10'), ['02:00:00:00:00:09']);
});
