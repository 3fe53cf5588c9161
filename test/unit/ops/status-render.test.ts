import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderStatus, renderStatusJson } from '../../../src/ops/status/render-status.js';
import { renderStats, renderStatsJson } from '../../../src/ops/status/render-stats.js';
import { formatAge, formatTable } from '../../../src/ops/status/table.js';
import { emptyCounters } from '../../../src/ops/snapshot.js';
import { sampleSnapshot } from './sample-snapshot.js';

const lines = (s: string): string[] => s.split('\n');

test('status shows each instance with state, priorities, master, last transition and its reason', () => {
  const text = renderStatus(sampleSnapshot());
  const l = lines(text);
  const header = l.find((x) => x.trimStart().startsWith('Name'))!;
  const vi1 = l.find((x) => x.trimStart().startsWith('VI_1  '))!;
  const vi6 = l.find((x) => x.trimStart().startsWith('VI_6  '))!;
  // Columns line up under their headings.
  for (const [col, row, value] of [['State', vi1, 'MASTER'], ['Eff', vi1, '110'], ['Master', vi6, 'fe80::1 prio 120'], ['Reason', vi1, 'BACKUP->MASTER: master down timer expired']] as const) {
    assert.equal(row.indexOf(value), header.indexOf(col), `${value} under ${col}`);
  }
  assert.match(vi1, /\(1m00s ago\)/);
  assert.ok(text.includes('VI_1: VIPs 10.0.0.100/24, 10.0.0.101/32 dev eth1 [installed]'));
  assert.ok(text.includes('tracking: script chk_haproxy UP weight 10; interface eth1 UP (fault if down)'));
  assert.ok(text.includes('advert 0.1s, unicast to fe80::1, nopreempt, sync group G1'));
  assert.ok(text.includes('advert 1s, multicast, preempt, auth PASS, entered BACKUP 3, MASTER 3, FAULT 1'));
  assert.match(text, /^Reloads: 2 \(1 failed\); last .* REJECTED: line 3: unknown keyword$/m);
  assert.match(text, /^ {2}G1 {2}BACKUP {2}members: VI_6$/m);
});

test('status lays virtual servers out like ipvsadm -Ln, with health and last check per real server', () => {
  const l = lines(renderStatus(sampleSnapshot()));
  const i = l.indexOf('Prot LocalAddress:Port Scheduler Flags');
  assert.ok(i > 0);
  assert.match(l[i + 1]!, /^ {2}-> RemoteAddress:Port +Forward +Weight +State +Last check$/);
  assert.equal(l[i + 2], 'TCP  10.0.0.100:80 wrr persistent 300  quorum 1 met');
  assert.match(l[i + 3]!, /^ {2}-> 192\.168\.1\.10:8080 +Masq +3 +UP +HTTP_GET up 4\.5ms 1m00s ago$/);
  assert.match(l[i + 4]!, /^ {2}-> 192\.168\.1\.11:8080 +Masq +0 +DOWN +TCP_CHECK down 1000\.0ms 1m00s ago: connect timeout$/);
});

test('stats lists every keepalived counter and every further drop reason per instance', () => {
  const text = renderStats(sampleSnapshot());
  const block = text.split('\n\n')[0]!;
  assert.match(block, /^VI_1 \(eth0, vrid 51, v2\) MASTER$/m);
  const expect: [string, number][] = [
    ['Adverts received', 11], ['Adverts sent', 12], ['Became master', 3], ['Released master', 2],
    ['Priority 0 received', 14], ['Priority 0 sent', 15], ['Drop: packet length', 4], ['Drop: TTL/hop limit', 6],
    ['Drop: invalid type', 7], ['Drop: advert interval', 5], ['Drop: address list', 8], ['Drop: auth invalid type', 9],
    ['Drop: auth type mismatch', 10], ['Drop: auth failure', 13], ['Drop: checksum', 16], ['Drop: wrong interface', 17],
  ];
  for (const [label, n] of expect) assert.match(block, new RegExp(`^ {2}${label.replace(/[()/]/g, '\\$&')}: +${n}$`, 'm'), label);
  const json = JSON.parse(renderStatsJson(sampleSnapshot())) as { instances: { name: string; counters: { drops: Record<string, number>; authFailure: number } }[] };
  assert.equal(json.instances[0]!.counters.authFailure, 13);
  assert.equal(json.instances[0]!.counters.drops['wrong interface'], 17);
  assert.equal(renderStats({ ...sampleSnapshot(), instances: [] }), 'No VRRP instances.\n');
});

test('status names the supervised children, flagging restarts and dead ones', () => {
  const text = renderStatus({ ...sampleSnapshot(), children: { vrrp: { pid: 101, restarts: 0 }, checkers: { pid: null, restarts: 2 } } });
  assert.match(text, /^Children: vrrp pid 101, checkers NOT RUNNING \(restarted 2x\)$/m);
});

test('status --json round-trips the snapshot', () => {
  const snap = sampleSnapshot();
  assert.deepEqual(JSON.parse(renderStatusJson(snap)), JSON.parse(JSON.stringify(snap)));
});

test('empty daemon and helpers', () => {
  const s = { ...sampleSnapshot(), instances: [], syncGroups: [], scripts: [], virtualServers: [], reloads: { total: 0, failed: 0 } };
  const text = renderStatus(s);
  assert.ok(text.includes('VRRP instances\n  (none configured)'));
  assert.ok(text.includes('(no virtual servers)'));
  assert.ok(text.includes('Reloads: none'));
  assert.deepEqual([5_000, 65_000, 3_700_000, 90_000_000].map(formatAge), ['5s', '1m05s', '1h01m', '1d1h']);
  assert.deepEqual(formatTable([['a', 'bb'], ['ccc', 'd'], ['a long heading line']]), ['a    bb', 'ccc  d', 'a long heading line']);
  assert.equal(emptyCounters().drops && Object.keys(emptyCounters().drops).length, 0);
});
