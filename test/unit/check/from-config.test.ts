import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Checker, KeepalivedConfig, RealServer, VirtualServer } from '../../../src/config/model.js';
import { checkerSpecsFromConfig, virtualServerId } from '../../../src/check/from-config.js';

const loc = (line: number) => ({ file: '/etc/keepalived/keepalived.conf', line, col: 5 });

const vsOf = (v: Partial<VirtualServer>): VirtualServer => ({
  key: { kind: 'ip', address: '10.0.0.1', port: 80, family: 'inet' }, protocol: 'TCP', lbAlgo: 'wlc', lbKind: 'NAT',
  delayLoopMs: 60000, quorum: 1, hysteresis: 0, alpha: false, omega: false, haSuspend: false, ops: false,
  sorryServerInhibit: false, inhibitOnFailure: false, schedFlags: [], realServers: [], loc: loc(1), extra: {}, ...v,
});
const rsOf = (checkers: Checker[], r: Partial<RealServer> = {}): RealServer =>
  ({ address: '192.168.1.10', port: 8080, family: 'inet', weight: 2, checkers, loc: loc(5), extra: {}, ...r });
const cfgOf = (virtualServers: VirtualServer[], groups: KeepalivedConfig['virtualServerGroups'] = []): Pick<KeepalivedConfig, 'virtualServers' | 'virtualServerGroups'> =>
  ({ virtualServerGroups: groups, virtualServers });

test('timing inherits checker → real server → virtual server → keepalived default', () => {
  const cfg = cfgOf([vsOf({ delayLoopMs: 6000, connectTimeoutMs: 3000, alpha: true, realServers: [
    rsOf([{ type: 'TCP_CHECK', loc: loc(7), extra: {} }, { type: 'HTTP_GET', urls: [{ path: '/', statusCode: [], loc: loc(9) }], retry: 3, loc: loc(8), extra: {} }], { delayLoopMs: 2000 }),
  ] })]);
  const { specs, diagnostics } = checkerSpecsFromConfig(cfg);
  assert.deepEqual(diagnostics, []);
  const [tcp, http] = specs[0]!.realServers[0]!.checkers;
  assert.deepEqual(tcp!.timing, { delayLoopMs: 2000, retry: 1, delayBeforeRetryMs: 1000, warmupMs: 2000, alpha: true });
  assert.deepEqual(http!.timing, { delayLoopMs: 2000, retry: 3, delayBeforeRetryMs: 3000, warmupMs: 2000, alpha: true });
  assert.deepEqual(tcp!.probe, { type: 'TCP_CHECK', connect: { host: '192.168.1.10', port: 8080, timeoutMs: 3000 } });
  assert.equal(specs[0]!.id, '10.0.0.1 80 TCP');
  assert.deepEqual(specs[0]!.vipAddresses, ['10.0.0.1']);
});

test('connection options, virtualhost fallback, sorry server, notify scripts', () => {
  const cfg = cfgOf([vsOf({ virtualhost: 'www.example.test', sorryServer: { address: '192.168.9.9', port: 80, family: 'inet', loc: loc(3) }, sorryServerInhibit: true, quorumDown: '/bin/qd', inhibitOnFailure: true,
    realServers: [rsOf([{ type: 'SSL_GET', urls: [{ path: '/h', digest: 'ABCDEF', statusCode: [[200, 204]], loc: loc(9) }], enableSni: true, connectIp: '192.168.1.11', connectPort: 8443, bindto: '192.168.1.1', bindPort: 1234, loc: loc(8), extra: {} }], { notifyDown: '/bin/down x' })] })]);
  const vs = checkerSpecsFromConfig(cfg).specs[0]!;
  assert.deepEqual(vs.realServers[0]!.checkers[0]!.probe, {
    type: 'SSL_GET', connect: { host: '192.168.1.11', port: 8443, timeoutMs: 5000, bindTo: '192.168.1.1', bindPort: 1234 },
    urls: [{ path: '/h', statusCodes: [[200, 204]], digest: 'abcdef' }], virtualhost: 'www.example.test', enableSni: true,
  });
  assert.deepEqual(vs.sorryServer, { address: '192.168.9.9', port: 80, weight: 1, inhibit: true });
  assert.deepEqual(vs.realServers[0]!.notifyDown, { command: '/bin/down x' });
  assert.equal(vs.realServers[0]!.inhibitOnFailure, true);
  assert.deepEqual(vs.quorumDown, { command: '/bin/qd' });
});

test('checkers that cannot run become located diagnostics; the rest still runs', () => {
  const cfg = cfgOf([vsOf({ key: { kind: 'fwmark', fwmark: 7, family: 'inet' }, realServers: [rsOf([
    { type: 'MISC_CHECK', miscDynamic: false, loc: loc(10), extra: {} },
    { type: 'DNS_CHECK', dnsType: 'PTRX', name: '.', connectPort: 53, loc: loc(11), extra: {} },
    { type: 'UDP_CHECK', payload: 'zz', connectPort: 9, minReplyLength: 0, maxReplyLength: 255, loc: loc(12), extra: {} },
    { type: 'TCP_CHECK', loc: loc(13), extra: {} },
    { type: 'MISC_CHECK', miscPath: '/bin/check', miscDynamic: true, user: { user: 'nobody' }, loc: loc(14), extra: {} },
    { type: 'UDP_CHECK', payload: '01 02', requireReply: 'aX', minReplyLength: 0, maxReplyLength: 255, loc: loc(15), extra: {} },
    { type: 'DNS_CHECK', dnsType: 'aaaa', name: 'example.test', loc: loc(16), extra: {} },
  ], { port: 0 })] })]);
  const { specs, diagnostics } = checkerSpecsFromConfig(cfg, { resolveUser: (u) => (u.user === 'nobody' ? { uid: 65534, gid: 65534 } : undefined) });
  assert.deepEqual(diagnostics.map((d) => d.loc.line), [10, 11, 12, 13, 15, 16]);
  assert.match(diagnostics[0]!.message, /no misc_path/);
  assert.match(diagnostics[1]!.message, /unknown DNS type PTRX/);
  assert.match(diagnostics[2]!.message, /invalid hex digit 'z'/);
  assert.match(diagnostics[3]!.message, /connect_port/);
  const kept = specs[0]!.realServers[0]!.checkers.map((c) => c.probe);
  assert.deepEqual(kept, [{ type: 'MISC_CHECK', path: '/bin/check', timeoutMs: 60000, dynamic: true, uid: 65534, gid: 65534 }]);
  assert.equal(specs[0]!.id, 'fwmark 7');
  assert.equal(specs[0]!.vipAddresses, undefined);
});

test('UDP hex and DNS type are converted; group addresses are expanded for ha_suspend', () => {
  const cfg = cfgOf([vsOf({ key: { kind: 'group', group: 'web' }, realServers: [rsOf([
    { type: 'UDP_CHECK', payload: '01 02', requireReply: 'aX', minReplyLength: 1, maxReplyLength: 64, loc: loc(15), extra: {} },
    { type: 'UDP_CHECK', requireReply: '', minReplyLength: 0, maxReplyLength: 255, loc: loc(16), extra: {} },
    { type: 'DNS_CHECK', dnsType: 'aaaa', name: 'example.test', loc: loc(17), extra: {} },
  ])] })], [{ name: 'web', loc: loc(1), entries: [
    { kind: 'ip', address: '10.0.0.1', rangeEnd: 3, port: 80, family: 'inet', loc: loc(2) },
    { kind: 'fwmark', fwmark: 9, family: 'inet', loc: loc(3) },
  ] }]);
  const { specs, diagnostics } = checkerSpecsFromConfig(cfg);
  assert.deepEqual(diagnostics, []);
  const [u1, u2, d] = specs[0]!.realServers[0]!.checkers.map((c) => c.probe);
  assert.deepEqual(u1, { type: 'UDP_CHECK', connect: { host: '192.168.1.10', port: 8080, timeoutMs: 5000 }, requireReply: true, minReplyLength: 1, maxReplyLength: 64, payload: Uint8Array.from([1, 2]), replyData: Uint8Array.from([0xa0]), replyMask: Uint8Array.from([0x0f]) });
  assert.equal((u2 as { requireReply: boolean }).requireReply, true);
  assert.equal((u2 as { replyData?: unknown }).replyData, undefined);
  assert.deepEqual([(d as { queryType: string }).queryType, specs[0]!.realServers[0]!.checkers[2]!.timing.retry], ['AAAA', 3]);
  assert.deepEqual(specs[0]!.vipAddresses, ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  assert.equal(virtualServerId({ key: { kind: 'group', group: 'web' }, protocol: 'UDP' }), 'group web UDP');
});

test('keepalived fix-ups: quorum above the total weight is reduced, hysteresis kept below quorum', () => {
  const two = [rsOf([], { weight: 2 }), rsOf([], { address: '192.168.1.11', weight: 1 })];
  const { specs, diagnostics } = checkerSpecsFromConfig(cfgOf([
    vsOf({ quorum: 5, hysteresis: 1, realServers: two }),
    vsOf({ key: { kind: 'ip', address: '10.0.0.2', port: 80, family: 'inet' }, quorum: 2, hysteresis: 2, realServers: two }),
    vsOf({ key: { kind: 'ip', address: '10.0.0.3', port: 80, family: 'inet' }, quorum: 3, hysteresis: 1, realServers: two }),
  ]));
  assert.deepEqual(specs.map((s) => [s.quorum, s.hysteresis]), [[3, 1], [2, 1], [3, 1]]);
  assert.equal(diagnostics.length, 2);
  assert.match(diagnostics[0]!.message, /quorum 5 exceeds the total weight of its real servers \(3\); using quorum 3/);
  assert.match(diagnostics[1]!.message, /hysteresis 2 >= quorum 2; using hysteresis 1/);
});
