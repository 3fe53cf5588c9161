import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDesiredTable } from '../../../src/ipvs/desired-state.js';
import { nextQuorumUp } from '../../../src/ipvs/quorum.js';
import { realServerKey, type RealServerHealth, type RealServerSpec, type VirtualServerSpec } from '../../../src/ipvs/spec.js';
import type { IpvsTable } from '../../../src/ipvs/table.js';

const rs = (address: string, extra: Partial<RealServerSpec> = {}): RealServerSpec => ({ address, port: 8080, weight: 1, method: 'masq', ...extra });

function vs(extra: Partial<VirtualServerSpec> = {}): VirtualServerSpec {
  return {
    id: 'web',
    target: { kind: 'addr', address: '192.0.2.10', port: 80 },
    protocol: 'tcp',
    scheduler: 'wrr',
    realServers: [rs('10.1.0.1', { weight: 3 }), rs('10.1.0.2', { weight: 2 }), rs('10.1.0.3', { inhibitOnFailure: true })],
    ...extra,
  };
}

function health(v: VirtualServerSpec, entries: [string, RealServerHealth][]): Map<string, RealServerHealth> {
  return new Map(entries.map(([addr, h]) => [realServerKey(v.id, v.realServers.find((r) => r.address === addr) ?? v.sorryServer ?? rs(addr)), h]));
}

/** "addr:port=weight" of each destination of the only service, sorted. */
function dests(t: IpvsTable, key = '-t 192.0.2.10:80'): string[] {
  const e = t.services.get(key);
  assert.ok(e, `service ${key} present`);
  return [...e.dests.values()].map((d) => `${d.address}:${d.port}=${d.weight}`).sort();
}

test('all real servers up: every destination with its configured weight', () => {
  const out = buildDesiredTable({ virtualServers: [vs()], health: new Map() });
  assert.deepEqual(out.diagnostics, []);
  const e = out.table.services.get('-t 192.0.2.10:80');
  assert.deepEqual(e?.service, { id: { kind: 'addr', family: 'inet', protocol: 'tcp', address: '192.0.2.10', port: 80 }, scheduler: 'wrr', ops: false, flags: [] });
  assert.deepEqual(dests(out.table), ['10.1.0.1:8080=3', '10.1.0.2:8080=2', '10.1.0.3:8080=1']);
  assert.equal(out.quorum.get('web'), true);
});

test('a failed server is removed; with inhibit_on_failure it stays at weight 0', () => {
  const v = vs();
  const out = buildDesiredTable({ virtualServers: [v], health: health(v, [['10.1.0.2', { alive: false }], ['10.1.0.3', { alive: false }]]) });
  assert.deepEqual(dests(out.table), ['10.1.0.1:8080=3', '10.1.0.3:8080=0']);
});

test('a checker-set weight (misc_dynamic) replaces the configured one and is clamped to 0..65535', () => {
  const v = vs();
  const out = buildDesiredTable({ virtualServers: [v], health: health(v, [['10.1.0.1', { alive: true, weight: 7 }], ['10.1.0.2', { alive: true, weight: 70000 }]]) });
  assert.deepEqual(dests(out.table), ['10.1.0.1:8080=7', '10.1.0.2:8080=65535', '10.1.0.3:8080=1']);
});

test('quorum lost with a sorry server: live servers leave, inhibited ones drop to 0, sorry server enters', () => {
  const v = vs({ quorum: 4, sorryServer: rs('10.9.9.9', { port: 80, weight: 1 }) });
  const h = health(v, [['10.1.0.1', { alive: false }]]); // live sum 2 + 1 = 3 < 4
  const out = buildDesiredTable({ virtualServers: [v], health: h });
  assert.equal(out.quorum.get('web'), false);
  assert.deepEqual(dests(out.table), ['10.1.0.3:8080=0', '10.9.9.9:80=1']);
});

test('quorum lost without a sorry server leaves the pool as it is (keepalived)', () => {
  const v = vs({ quorum: 4 });
  const out = buildDesiredTable({ virtualServers: [v], health: health(v, [['10.1.0.1', { alive: false }]]) });
  assert.equal(out.quorum.get('web'), false);
  assert.deepEqual(dests(out.table), ['10.1.0.2:8080=2', '10.1.0.3:8080=1']);
});

test('hysteresis: quorum is regained only at quorum + hysteresis and lost only below quorum - hysteresis', () => {
  assert.equal(nextQuorumUp(undefined, 5, 5, 1), false, 'start-up needs quorum + hysteresis');
  assert.equal(nextQuorumUp(undefined, 6, 5, 1), true);
  assert.equal(nextQuorumUp(true, 4, 5, 1), true, 'still up at quorum - hysteresis');
  assert.equal(nextQuorumUp(true, 3, 5, 1), false);
  assert.equal(nextQuorumUp(false, 5, 5, 1), false, 'not regained at quorum');
  assert.equal(nextQuorumUp(false, 6, 5, 1), true);
  assert.equal(nextQuorumUp(true, 0, 0, 0), false, 'an empty pool always loses quorum');

  const v = vs({ quorum: 5, hysteresis: 1, sorryServer: rs('10.9.9.9', { port: 80 }) });
  // sum 6 → up; then 10.1.0.3 fails: sum 5 ≥ 4 → stays up (no sorry server)
  let out = buildDesiredTable({ virtualServers: [v], health: new Map() });
  assert.equal(out.quorum.get('web'), true);
  out = buildDesiredTable({ virtualServers: [v], health: health(v, [['10.1.0.2', { alive: false }]]), previousQuorum: out.quorum });
  assert.equal(out.quorum.get('web'), true, 'sum 4 = quorum - hysteresis keeps quorum');
  assert.ok(!dests(out.table).includes('10.9.9.9:80=1'));
  out = buildDesiredTable({ virtualServers: [v], health: health(v, [['10.1.0.1', { alive: false }]]), previousQuorum: out.quorum });
  assert.equal(out.quorum.get('web'), false, 'sum 3 loses quorum');
  assert.deepEqual(dests(out.table), ['10.1.0.3:8080=0', '10.9.9.9:80=1']);
});

test('sorry_server_inhibit keeps the sorry server at weight 0 while quorum is up', () => {
  const v = vs({ sorryServer: rs('10.9.9.9', { port: 80, weight: 5 }), sorryServerInhibit: true });
  const out = buildDesiredTable({ virtualServers: [v], health: new Map() });
  assert.deepEqual(dests(out.table), ['10.1.0.1:8080=3', '10.1.0.2:8080=2', '10.1.0.3:8080=1', '10.9.9.9:80=0']);
});

test('virtual_server_group: IPv4 and IPv6 ranges and fwmarks expand to one service each', () => {
  const v = vs({
    target: {
      kind: 'group', name: 'g', entries: [
        { kind: 'range', address: '192.0.2.1', rangeEnd: 3, port: 80 },
        { kind: 'range', address: '2001:DB8::a', rangeEnd: 0xc, port: 443 },
        { kind: 'fwmark', fwmark: 9 },
      ],
    },
    persistence: { timeout: 300, granularity: '24' },
    realServers: [rs('10.1.0.1', { port: undefined })],
  });
  const out = buildDesiredTable({ virtualServers: [v], health: new Map() });
  assert.deepEqual([...out.table.services.keys()], [
    '-t 192.0.2.1:80', '-t 192.0.2.2:80', '-t 192.0.2.3:80',
    '-t [2001:db8::a]:443', '-t [2001:db8::b]:443', '-t [2001:db8::c]:443',
    '-f 9',
  ]);
  // real server port defaults to each service's port; 0 for fwmark
  assert.deepEqual(dests(out.table, '-t 192.0.2.2:80'), ['10.1.0.1:80=1']);
  assert.deepEqual(dests(out.table, '-f 9'), ['10.1.0.1:0=1']);
  // granularity: IPv4 dotted mask; the /24 given to IPv6 services is a prefix length
  assert.equal(out.table.services.get('-t 192.0.2.1:80')?.service.persistence?.netmask, '255.255.255.0');
  assert.equal(out.table.services.get('-t [2001:db8::b]:443')?.service.persistence?.netmask, '24');
});

test('scheduler flags are normalised per scheduler in ipvsadm order; tunnel options are normalised', () => {
  const v = vs({
    scheduler: 'sh', flags: ['sh-port', 'flag-1'],
    realServers: [rs('10.1.0.1', { method: 'tunnel', tunnel: { type: 'gue', port: 6080 } }), rs('10.1.0.2', { method: 'tunnel', tunnel: { type: 'ipip' } })],
  });
  const e = buildDesiredTable({ virtualServers: [v], health: new Map() }).table.services.get('-t 192.0.2.10:80');
  assert.deepEqual(e?.service.flags, ['sh-fallback', 'sh-port']);
  assert.deepEqual(e?.dests.get('10.1.0.1:80')?.tunnel, { type: 'gue', checksum: 'nocsum', port: 6080 });
  assert.equal(e?.dests.get('10.1.0.2:80')?.method, 'tunnel');
  assert.equal(e?.dests.get('10.1.0.2:80')?.tunnel, undefined);
});

test('bad input becomes a located diagnostic, the rest of the table is still built', () => {
  const good = vs({ id: 'good' });
  const badAddr = vs({ id: 'bad-addr', target: { kind: 'addr', address: '192.0.2.300', port: 80 } });
  const badRs = vs({ id: 'bad-rs', target: { kind: 'addr', address: '192.0.2.11', port: 80 }, realServers: [rs('nope'), rs('10.1.0.1'), rs('10.1.0.1')] });
  const dup = vs({ id: 'dup' });
  const badMask = vs({ id: 'bad-mask', target: { kind: 'addr', address: '192.0.2.12', port: 80 }, persistence: { timeout: 60, granularity: '255.0.255.0' } });
  const out = buildDesiredTable({ virtualServers: [good, badAddr, badRs, dup, badMask], health: new Map() });
  assert.deepEqual([...out.table.services.keys()], ['-t 192.0.2.10:80', '-t 192.0.2.11:80']);
  const msgs = out.diagnostics.map((d) => d.message);
  assert.ok(msgs.some((m) => m.startsWith('virtual_server bad-addr') && m.includes("'192.0.2.300' is not an IP address")), msgs.join('\n'));
  assert.ok(msgs.some((m) => m.includes("real_server nope: 'nope' is not an IP address")));
  assert.ok(msgs.some((m) => m.includes('real_server 10.1.0.1:8080 listed twice')));
  assert.ok(msgs.some((m) => m.startsWith('virtual_server dup') && m.includes('already defined')));
  assert.ok(msgs.some((m) => m.startsWith('virtual_server bad-mask') && m.includes('not a contiguous netmask')));
});

test('globals: lvs_timeouts and lvs_sync_daemon pass through', () => {
  const out = buildDesiredTable({ virtualServers: [], health: new Map(), globals: { timeouts: { tcp: 900 }, syncDaemons: [{ role: 'master', iface: 'eth0', syncId: 5 }] } });
  assert.deepEqual(out.table.timeouts, { tcp: 900 });
  assert.deepEqual(out.table.syncDaemons, [{ role: 'master', iface: 'eth0', syncId: 5 }]);
});

test("the checkers' pool view, when given, decides membership and weights; methods come from the config", () => {
  const v = vs({ sorryServer: rs('10.9.9.9', { port: 80, method: 'route' }), realServers: [rs('10.1.0.1', { method: 'tunnel', tunnel: { type: 'gre' } }), rs('10.1.0.2')] });
  const out = buildDesiredTable({
    virtualServers: [v],
    health: health(v, [['10.1.0.1', { alive: false }]]), // ignored: the pool wins
    pools: new Map([['web', { quorumUp: false, destinations: [
      { address: '10.1.0.1', port: 8080, weight: 0, role: 'real' as const },
      { address: '10.9.9.9', port: 80, weight: 4, role: 'sorry' as const },
      { address: '10.7.7.7', port: 80, weight: 1, role: 'real' as const },
    ] }]]),
  });
  assert.equal(out.quorum.get('web'), false);
  assert.deepEqual(dests(out.table), ['10.1.0.1:80=0', '10.9.9.9:80=4']);
  const e = out.table.services.get('-t 192.0.2.10:80');
  assert.equal(e?.dests.get('10.9.9.9:80')?.method, 'route');
  assert.deepEqual(e?.dests.get('10.1.0.1:80')?.tunnel, { type: 'gre', checksum: 'nocsum' });
  assert.match(out.diagnostics[0]?.message ?? '', /checker pool names real server 10\.7\.7\.7:80, which the configuration does not have/);
});

test('DR and TUN destinations take the service port (the kernel cannot translate ports for them)', () => {
  const v = vs({ realServers: [rs('10.1.0.1', { method: 'route' }), rs('10.1.0.2', { method: 'tunnel' }), rs('10.1.0.3')] });
  assert.deepEqual(dests(buildDesiredTable({ virtualServers: [v], health: new Map() }).table), ['10.1.0.1:80=1', '10.1.0.2:80=1', '10.1.0.3:8080=1']);
  const f = vs({ target: { kind: 'fwmark', fwmark: 3 }, realServers: [rs('10.1.0.1', { method: 'route' }), rs('10.1.0.3')] });
  assert.deepEqual(dests(buildDesiredTable({ virtualServers: [f], health: new Map() }).table, '-f 3'), ['10.1.0.1:0=1', '10.1.0.3:8080=1']);
});
