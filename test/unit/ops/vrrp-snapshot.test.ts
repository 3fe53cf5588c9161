import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GlobalDefs, KeepalivedConfig, SourceLoc, VrrpInstance } from '../../../src/config/model.js';
import { newCounters } from '../../../src/vrrp/fsm/counters.js';
import type { EngineStatus, InstanceStatus } from '../../../src/vrrp/engine/engine.js';
import { countersFromVrrp, vrrpSnapshotPart } from '../../../src/ops/vrrp-snapshot.js';
import { TransitionTracker } from '../../../src/ops/transition-tracker.js';
import { renderStatsDump } from '../../../src/ops/dumps/stats-dump.js';
import { renderDataDump } from '../../../src/ops/dumps/data-dump.js';
import { emptySnapshot } from '../../../src/ops/snapshot.js';
import { mehdyParseStats, mehdyParseVrrpData, mehdyParseVrrpScript } from './exporter-parsers.js';

const loc: SourceLoc = { file: 'k.conf', line: 1, col: 1 } as SourceLoc;

// Only the global settings the snapshot reads; the rest of GlobalDefs is irrelevant here.
const globals = {
  vrrpGarpMasterDelayMs: 5000, vrrpGarpMasterRepeat: 5, vrrpGarpMasterRefreshMs: 0, vrrpGarpMasterRefreshRepeat: 1,
  vrrpStrict: false, vrrpVersion: 2,
} as unknown as GlobalDefs;

function instanceCfg(): VrrpInstance {
  return {
    name: 'VI_1', state: 'BACKUP', interface: 'eth0', virtualRouterId: 51, priority: 100, advertIntMs: 1000, family: 'inet',
    nopreempt: false, preemptDelayMs: 0, unicastSrcIp: '10.0.0.2', unicastPeers: [{ address: '10.0.0.3', loc }],
    virtualIpaddresses: [{ address: '10.0.0.100', prefixLen: 24, family: 'inet', loc }, { address: '10.0.0.101', prefixLen: 32, family: 'inet', dev: 'eth1', loc }],
    virtualIpaddressesExcluded: [], virtualRoutes: [], virtualRules: [],
    trackInterfaces: [{ name: 'eth9', loc }], trackScripts: [{ name: 'chk', loc }], trackFiles: [], trackProcesses: [],
    authentication: { type: 'PASS', pass: 'secret' }, notify: { notify: '/etc/keepalived/notify.sh' }, smtpAlert: false,
    garpMasterRepeat: 3, vmacXmitBase: false, dontTrackPrimary: false, downTimerAdverts: 3, loc, extra: {},
  };
}

function config(): KeepalivedConfig {
  return {
    file: 'k.conf', globalDefs: globals, staticIpaddress: [], staticRoutes: [], staticRules: [],
    vrrpScripts: [{ name: 'chk', script: '/usr/local/bin/chk --x', intervalMs: 2000, weight: -20, weightReverse: false, rise: 2, fall: 3, initFail: false, loc, extra: {} }],
    vrrpTrackFiles: [], vrrpTrackProcesses: [],
    vrrpSyncGroups: [{ name: 'G1', group: ['VI_1'], notify: {}, smtpAlert: false, trackInterfaces: [], trackScripts: [], trackFiles: [], trackProcesses: [], loc, extra: {} }],
    vrrpInstances: [instanceCfg()], virtualServerGroups: [], virtualServers: [],
  };
}

function engineStatus(): EngineStatus {
  const counters = newCounters();
  counters.advertsReceived = 40;
  counters.advertsSent = 2;
  counters.becomeMaster = 1;
  counters.drops['too-short'] = 1;
  counters.drops['packet-length'] = 2;
  counters.drops['address-count'] = 3;
  counters.drops['cast-mismatch'] = 4;
  counters.drops['address-list'] = 5;
  counters.drops.checksum = 6;
  counters.drops.version = 7;
  counters.drops['auth-failure'] = 8;
  const inst: InstanceStatus = {
    name: 'VI_1', state: 'BACKUP', basePriority: 100, effectivePriority: 80, advertIntMs: 1000, masterAdvertIntMs: 1000,
    masterDownMs: 3609, masterAddress: '10.0.0.3', masterPriority: 150, vipsSet: false, fault: false, nextDeadline: undefined,
    interface: 'eth0', vrid: 51, family: 'inet', version: 2, lastTransitionAt: 1_700_000_000_000,
    faultReasons: ['tracked interface eth9 down'], counters, runtime: { sendErrors: 0, announceBursts: 0 },
  };
  return { instances: [inst], syncGroups: [{ name: 'G1', state: 'BACKUP', members: ['VI_1'] }], scripts: [{ name: 'chk', status: 'failed', results: 4 }], files: [], processes: [], notRunning: [] };
}

test('engine counters land in keepalived\'s stats fields; reasons keepalived lacks stay separate', () => {
  const c = countersFromVrrp(engineStatus().instances[0]!.counters);
  assert.equal(c.advertRcvd, 40);
  assert.equal(c.packetLenErr, 3);
  assert.equal(c.addrListErr, 12);
  assert.equal(c.authFailure, 8);
  assert.deepEqual(Object.keys(c.drops).sort(), ['bad-context', 'checksum', 'unicast-source', 'version', 'vrid-unknown']);
  assert.equal(c.drops.checksum, 6);
  assert.equal(c.drops.version, 7);
});

test('the VRRP snapshot part combines config and live state, and reads back through the exporters', () => {
  const tracker = new TransitionTracker();
  tracker.record('VI_1', 'BACKUP', 'startup', 1_700_000_000_000);
  const part = vrrpSnapshotPart(config(), engineStatus(), tracker);
  const i = part.instances[0]!;
  assert.equal(i.state, 'BACKUP');
  assert.equal(i.wantedState, 'BACKUP');
  assert.equal(i.effectivePriority, 80);
  assert.equal(i.masterAddress, '10.0.0.3');
  assert.equal(i.primaryAddress, '10.0.0.2');
  assert.equal(i.syncGroup, 'G1');
  assert.deepEqual(i.lastTransition, { atMs: 1_700_000_000_000, from: 'INIT', to: 'BACKUP', reason: 'startup' });
  assert.deepEqual(i.transitions, { BACKUP: 1 });
  assert.deepEqual(i.vips.map((v) => v.dev), ['eth0', 'eth1']);
  assert.deepEqual(i.garp, { delayS: 5, repeat: 3, refreshS: 0, refreshRepeat: 1, lowerPrioDelayS: 5, lowerPrioRepeat: 3 });
  assert.deepEqual(i.tracked, [
    { kind: 'interface', name: 'eth9', weight: 0, up: false },
    { kind: 'script', name: 'chk', weight: -20, up: false },
  ]);
  assert.deepEqual(part.scripts[0], {
    name: 'chk', command: '/usr/local/bin/chk --x', intervalMs: 2000, timeoutMs: 2000, weight: -20, rise: 2, fall: 3,
    result: 'BAD', trackedBy: [{ instance: 'VI_1', weight: -20 }],
  });
  const snap = { ...emptySnapshot({ version: '0.1.0', configFile: 'k.conf' }), ...part };
  const data = mehdyParseVrrpData(renderDataDump(snap)).get('VI_1')!;
  assert.deepEqual({ state: data.state, vrid: data.vrid, intf: data.intf, garp: data.garpDelay }, { state: 1, vrid: 51, intf: 'eth0', garp: 5 });
  assert.deepEqual(data.vips, ['10.0.0.100/24 dev eth0 scope global', '10.0.0.101/32 dev eth1 scope global']);
  assert.deepEqual(mehdyParseVrrpScript(renderDataDump(snap)), [{ name: 'chk', status: 'BAD', state: 'idle' }]);
  assert.equal(mehdyParseStats(renderStatsDump(snap)).get('VI_1')!.addr_list_err, 12);
});

test('without a tracker the last transition keeps the engine\'s time and state only', () => {
  const part = vrrpSnapshotPart(config(), engineStatus());
  assert.deepEqual(part.instances[0]!.lastTransition, { atMs: 1_700_000_000_000, to: 'BACKUP' });
  const none = vrrpSnapshotPart(config(), { instances: [], syncGroups: [], scripts: [], files: [], processes: [], notRunning: [] });
  assert.equal(none.instances.length, 0, 'instances the engine does not run are not invented');
  assert.equal(none.scripts[0]!.result, 'INIT');
});

test('the transition tracker records from/to through the notify sink and forgets removed instances', () => {
  const reported: string[] = [];
  const t = new TransitionTracker((name, rec, kind) => reported.push(`${kind} ${name} ${rec.from}->${rec.to}${rec.reason ? ` ${rec.reason}` : ''}`));
  const seen: string[] = [];
  const sink = t.wrap({ notify: (ev) => seen.push(`${ev.name}:${ev.state}`) }, (ev) => (ev.state === 'MASTER' ? 'master down timer expired' : undefined));
  sink.notify({ kind: 'INSTANCE', name: 'VI_1', state: 'BACKUP', priority: 100, scripts: {} });
  sink.notify({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 100, scripts: {} });
  sink.notify({ kind: 'GROUP', name: 'G1', state: 'MASTER', priority: 0, scripts: {} });
  sink.notify({ kind: 'INSTANCE', name: 'VI_1', state: 'STOP', priority: 100, scripts: {} });
  assert.deepEqual(seen, ['VI_1:BACKUP', 'VI_1:MASTER', 'G1:MASTER', 'VI_1:STOP']);
  const rec = t.get('VI_1')!;
  assert.equal(rec.from, 'BACKUP');
  assert.equal(rec.to, 'MASTER');
  assert.equal(rec.reason, 'master down timer expired');
  assert.deepEqual(t.transitions('VI_1'), { BACKUP: 1, MASTER: 1 });
  assert.deepEqual(reported, ['INSTANCE VI_1 INIT->BACKUP', 'INSTANCE VI_1 BACKUP->MASTER master down timer expired', 'GROUP G1 INIT->MASTER master down timer expired']);
  assert.equal(t.get('G1'), undefined);
  t.retain(['VI_2']);
  assert.equal(t.get('VI_1'), undefined);
});
