import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWireLine } from '../../../src/ops/drill/wire-events.js';
import { buildTimeline, skewMs, theoryFor, type DrillObservation } from '../../../src/ops/drill/timeline.js';
import { renderSvg } from '../../../src/ops/drill/render-svg.js';
import { renderTable } from '../../../src/ops/drill/render-table.js';
import { parseDrillArgs, DrillUsageError } from '../../../src/ops/drill/command.js';

// Lines as tcpdump 4.99 prints them with -nn -e -tt (captured from a keepalived 2.2.7 lab).
const ADV = '1763892000.100000 5e:26:39:b8:79:b1 > 01:00:5e:00:00:12, ethertype IPv4 (0x0800), length 54: 192.168.100.251 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 100, authtype simple, intvl 1s, length 20';
const ADV3 = '1763892000.200000 5e:26:39:b8:79:b2 > 01:00:5e:00:00:12, ethertype IPv4 (0x0800), length 54: 192.168.100.252 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 0, intvl 50cs, length 12';
const GARP = '1763892000.300000 5e:26:39:b8:79:b2 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 192.168.100.10 tell 192.168.100.10, length 28';
const ASK = '1763892000.400000 5e:26:39:b8:79:b2 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 192.168.100.10 tell 192.168.100.250, length 28';

test('tcpdump lines → adverts and gratuitous ARP; ordinary ARP requests are not announcements', () => {
  assert.deepEqual(parseWireLine(ADV), { kind: 'advert', atMs: 1763892000100, srcMac: '5e:26:39:b8:79:b1', src: '192.168.100.251', vrid: 51, priority: 100 });
  assert.deepEqual(parseWireLine(ADV3), { kind: 'advert', atMs: 1763892000200, srcMac: '5e:26:39:b8:79:b2', src: '192.168.100.252', vrid: 51, priority: 0 });
  assert.deepEqual(parseWireLine(GARP), { kind: 'garp', atMs: 1763892000300, srcMac: '5e:26:39:b8:79:b2', target: '192.168.100.10' });
  assert.equal(parseWireLine(ASK), undefined);
  assert.equal(parseWireLine('garbage'), undefined);
});

test('skew and theory follow keepalived: v2 skew ignores advert_int, v3 scales with it', () => {
  assert.equal(skewMs(100, 1, 2), 609.375);
  assert.equal(skewMs(100, 0.5, 3), 304.6875);
  const base = { advertInt: 1, priority: 100, vrrpVersion: 2, scriptInterval: 1 };
  assert.equal(theoryFor({ ...base, scenario: 'kill' }).ms, 3609.375);
  assert.equal(theoryFor({ ...base, scenario: 'link-down' }).ms, 3609.375);
  assert.equal(theoryFor({ ...base, scenario: 'stop' }).ms, 609.375);
  assert.equal(theoryFor({ ...base, scenario: 'script-fail' }).ms, 1609.375);
  assert.equal(theoryFor({ ...base, scenario: 'demote' }).ms, 4609.375);
});

function observation(): DrillObservation {
  const F = 1_000_000;
  const oldMac = 'aa:aa:aa:aa:aa:01';
  const newMac = 'aa:aa:aa:aa:aa:02';
  const wire = [
    { kind: 'advert' as const, atMs: F - 900, srcMac: oldMac, src: 'x', vrid: 51, priority: 100 },
    { kind: 'advert' as const, atMs: F - 100, srcMac: oldMac, src: 'x', vrid: 51, priority: 100 },
    { kind: 'advert' as const, atMs: F + 3500, srcMac: newMac, src: 'y', vrid: 51, priority: 100 },
    { kind: 'advert' as const, atMs: F + 3500, srcMac: newMac, src: 'y', vrid: 52, priority: 100 },
    { kind: 'garp' as const, atMs: F + 3501, srcMac: newMac, target: '192.168.100.10' },
  ];
  const client = [];
  for (let t = F - 1000; t < F + 5000; t += 20) client.push({ ok: t < F || t > F + 3520, sentMs: t, doneMs: t + 2 });
  return {
    scenario: 'kill', faultAtMs: F, oldMaster: 'd1', newMaster: 'd2', oldMac, newMac, newNs: 'ns2', vrid: 51, vip: '192.168.100.10',
    advertInt: 1, priority: 100, vrrpVersion: 2, scriptInterval: 1, wire,
    vipChanges: [{ atMs: F + 3505, ns: 'ns2', address: '192.168.100.10', added: true }, { atMs: F + 3505, ns: 'ns1', address: '192.168.100.10', added: true }],
    client,
    hasClient: true,
  };
}

test('timeline: events, offsets, client gap and verdict', () => {
  const t = buildTimeline(observation());
  const at = Object.fromEntries(t.events.map((e) => [e.name, e.offsetMs]));
  assert.deepEqual(at, { fault: 0, lastAdvertOld: -100, firstAdvertNew: 3500, vipPresent: 3505, firstGarp: 3501, firstClientOk: 3542 });
  assert.equal(t.clientGapMs, 3542 - -18);
  assert.equal(t.limitMs, 3809.375);
  assert.equal(t.withinLimit, true);
  assert.equal(t.priorityZeroSeen, false);
  assert.ok(t.clientFailures > 100);
  assert.match(renderTable(t), /verdict: gap 3\.560 s ≤ limit 3\.809 s .*PASS/);
});

test('timeline: no takeover means missing events and a failed verdict, not a crash', () => {
  const o = observation();
  o.wire = o.wire.filter((e) => e.srcMac !== o.newMac);
  o.vipChanges = [];
  o.client = o.client.filter((r) => r.sentMs < o.faultAtMs);
  const t = buildTimeline(o);
  assert.equal(t.events.find((e) => e.name === 'firstAdvertNew')!.atMs, undefined);
  assert.equal(t.clientGapMs, undefined);
  assert.equal(t.withinLimit, false);
  assert.match(renderTable(t), /not seen/);
  assert.match(renderSvg([t]), /FAIL/);
});

test('SVG: one well-formed document with a block per drill, text escaped', () => {
  const t = buildTimeline(observation());
  const svg = renderSvg([t, { ...t, vip: '<x>' }]);
  assert.equal((svg.match(/<svg /g) ?? []).length, 1);
  assert.equal((svg.match(/kill: d1 → d2/g) ?? []).length, 2);
  assert.doesNotMatch(svg, /<x>/);
  const opens = (svg.match(/<text\b/g) ?? []).length;
  assert.equal(opens, (svg.match(/<\/text>/g) ?? []).length);
});

test('drill arguments', () => {
  const a = parseDrillArgs(['--lab', '--scenario', 'stop', '--repeat', '3', '--svg', 'a.svg', '--json']);
  assert.deepEqual({ ...a, controlSocket: '' }, { name: 'ka', scenario: 'stop', repeat: 3, json: true, svg: 'a.svg', file: '/etc/keepalived/keepalived.conf', controlSocket: '' });
  assert.match(a.controlSocket, /^\/run\/ka-ts\/.*ka-ts\.sock$/);
  const t = parseDrillArgs(['--target', '10.0.0.2', '-f', 'k.conf', '--control-socket', '/s']);
  assert.deepEqual([t.scenario, t.target, t.file, t.controlSocket], ['demote', '10.0.0.2', 'k.conf', '/s']);
  assert.throws(() => parseDrillArgs(['--target', '10.0.0.2', '--scenario', 'kill']), /only runs --scenario demote/);
  assert.throws(() => parseDrillArgs(['--scenario', 'explode']), DrillUsageError);
  assert.throws(() => parseDrillArgs(['--repeat', '0']), DrillUsageError);
});
