import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SourceLoc, VirtualServer } from '../../../src/config/model.js';
import type { VirtualServerStatus } from '../../../src/check/service.js';
import { checkerSnapshotPart } from '../../../src/ops/checker-snapshot.js';
import { renderStatus } from '../../../src/ops/status/render-status.js';
import { emptySnapshot } from '../../../src/ops/snapshot.js';

const loc = { file: 'k.conf', line: 1, col: 1 } as SourceLoc;

function vsConfig(): VirtualServer {
  return {
    key: { kind: 'ip', address: '10.0.0.100', port: 80, family: 'inet' }, protocol: 'TCP', lbAlgo: 'wrr', lbKind: 'NAT',
    delayLoopMs: 5000, quorum: 1, hysteresis: 0, alpha: false, omega: false, haSuspend: false, ops: false,
    sorryServer: { address: '10.0.0.9', port: 80, family: 'inet', loc }, sorryServerInhibit: false, inhibitOnFailure: false, schedFlags: [],
    realServers: [
      { address: '192.168.1.10', port: 8080, family: 'inet', weight: 3, checkers: [], loc, extra: {} },
      { address: '192.168.1.11', port: 8080, family: 'inet', weight: 2, inhibitOnFailure: true, lbKind: 'DR', checkers: [], loc, extra: {} },
      { address: '192.168.1.12', port: 8080, family: 'inet', weight: 1, checkers: [], loc, extra: {} },
    ],
    loc, extra: {},
  };
}

const status: VirtualServerStatus[] = [{
  vs: '10.0.0.100 80 TCP', quorumUp: true, liveWeight: 3, sorryServerActive: false, suspended: false,
  realServers: [
    { vs: '10.0.0.100 80 TCP', rs: '192.168.1.10:8080', alive: true, weight: 3, inPool: true, checkers: [
      { type: 'HTTP_GET', target: '192.168.1.10:8080', up: true, retrying: false, runs: 7, failures: 1, lastCheckAt: '2026-11-23T10:00:00.000Z', lastResult: { ok: true, reason: '200' }, latencyMs: 2.5 },
    ] },
    { vs: '10.0.0.100 80 TCP', rs: '192.168.1.11:8080', alive: false, weight: 2, inPool: false, checkers: [
      { type: 'TCP_CHECK', target: '192.168.1.11:8080', up: false, retrying: false, runs: 7, failures: 7, lastCheckAt: '2026-11-23T10:00:01.000Z', lastResult: { ok: false, reason: 'connection refused' }, latencyMs: 0.4 },
      { type: 'MISC_CHECK', target: '/bin/chk', up: true, retrying: false, runs: 0, failures: 0 },
    ] },
  ],
}];

test('checker status maps onto configured virtual/real servers, with health and last checks', () => {
  const { virtualServers } = checkerSnapshotPart({ virtualServers: [vsConfig()] }, status);
  const vs = virtualServers[0]!;
  assert.equal(vs.key, '10.0.0.100:80');
  assert.equal(vs.scheduler, 'wrr');
  assert.equal(vs.sorryServer, '10.0.0.9:80');
  assert.equal(vs.quorumUp, true);
  const [a, b, c] = vs.realServers;
  assert.deepEqual({ alive: a!.alive, w: a!.currentWeight, inTable: a!.inTable, fwd: a!.forwarding }, { alive: true, w: 3, inTable: true, fwd: 'NAT' });
  assert.deepEqual(a!.checkers[0], { type: 'HTTP_GET', target: '192.168.1.10:8080', result: 'up', lastCheckAtMs: Date.parse('2026-11-23T10:00:00.000Z'), lastLatencyMs: 2.5, checksRun: 7, checksFailed: 1 });
  assert.deepEqual({ alive: b!.alive, w: b!.currentWeight, inTable: b!.inTable, fwd: b!.forwarding }, { alive: false, w: 0, inTable: true, fwd: 'DR' }, 'inhibited, still in the table at weight 0');
  assert.equal(b!.checkers[0]!.lastError, 'connection refused');
  assert.equal(b!.checkers[1]!.result, 'unknown', 'no probe completed yet');
  assert.deepEqual({ alive: c!.alive, inTable: c!.inTable, checkers: c!.checkers.length }, { alive: false, inTable: false, checkers: 0 }, 'not reported by the service');
  const text = renderStatus({ ...emptySnapshot(), virtualServers });
  assert.match(text, /-> 192\.168\.1\.11:8080 +Route +0 +DOWN \(inhibited\) +TCP_CHECK down 0\.4ms .* ago: connection refused; MISC_CHECK unknown not yet run/);
});
