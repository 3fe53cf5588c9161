// A hand-built daemon snapshot used by the ops unit tests: two instances (one MASTER with a
// tracked script and notify scripts, one BACKUP in a sync group over IPv6 unicast), one vrrp_script,
// one sync group and a virtual server with two real servers. Every counter has a distinct value so
// a test that reads the wrong field fails.
import { emptyCounters, type DaemonSnapshot } from '../../../src/ops/snapshot.js';

export const T_TRANSITION_MS = Date.UTC(2026, 10, 23, 9, 57, 55, 693);

export function sampleSnapshot(): DaemonSnapshot {
  return {
    takenAtMs: T_TRANSITION_MS + 60_000,
    version: '0.1.0',
    pid: 4242,
    startedAtMs: T_TRANSITION_MS - 5_000,
    configFile: '/etc/keepalived/keepalived.conf',
    routerId: 'lb1',
    instances: [
      {
        name: 'VI_1', interface: 'eth0', vrid: 51, version: 2, family: 'inet',
        state: 'MASTER', wantedState: 'MASTER', basePriority: 100, effectivePriority: 110,
        advertIntMs: 1000, masterAddress: '10.0.0.1', primaryAddress: '10.0.0.1',
        lastTransition: { atMs: T_TRANSITION_MS, from: 'BACKUP', to: 'MASTER', reason: 'master down timer expired' },
        transitions: { BACKUP: 3, MASTER: 3, FAULT: 1 },
        vips: [
          { address: '10.0.0.100', prefixLen: 24, dev: 'eth0' },
          { address: '10.0.0.101', prefixLen: 32, dev: 'eth1', label: 'eth1:vip' },
        ],
        excludedVips: [], vipsSet: true, unicastPeers: [], nopreempt: false, preemptDelayMs: 0,
        authType: 'PASS', accept: true,
        garp: { delayS: 5, repeat: 5, refreshS: 0, refreshRepeat: 1, lowerPrioDelayS: 5, lowerPrioRepeat: 5 },
        downTimerAdverts: 3, masterDownIntervalMs: 3609.375,
        notify: { notify: '/etc/keepalived/notify.sh', master: '/etc/keepalived/master.sh', uid: 0, gid: 0 },
        tracked: [{ kind: 'script', name: 'chk_haproxy', up: true, weight: 10 }, { kind: 'interface', name: 'eth1', up: true, weight: 0 }],
        counters: {
          ...emptyCounters(), advertRcvd: 11, advertSent: 12, becomeMaster: 3, releaseMaster: 2,
          packetLenErr: 4, advertIntervalErr: 5, ipTtlErr: 6, invalidTypeRcvd: 7, addrListErr: 8,
          invalidAuthtype: 9, authtypeMismatch: 10, authFailure: 13, priZeroRcvd: 14, priZeroSent: 15,
          drops: { checksum: 16, 'wrong interface': 17, vrid_mismatch: 0 },
        },
      },
      {
        name: 'VI_6', interface: 'eth2', vrid: 60, version: 3, family: 'inet6',
        state: 'BACKUP', wantedState: 'BACKUP', basePriority: 90, effectivePriority: 90,
        advertIntMs: 100, masterAddress: 'fe80::1', masterPriority: 120, primaryAddress: 'fe80::2',
        vips: [{ address: '2001:db8::100', prefixLen: 64, dev: 'eth2' }],
        excludedVips: [{ address: '2001:db8::200', prefixLen: 64, dev: 'eth2' }],
        vipsSet: false, unicastPeers: ['fe80::1'], nopreempt: true, preemptDelayMs: 0,
        tracked: [], syncGroup: 'G1',
        counters: { ...emptyCounters(), advertRcvd: 21, advertSent: 0, becomeMaster: 0 },
      },
    ],
    syncGroups: [{ name: 'G1', state: 'BACKUP', members: ['VI_6'] }],
    scripts: [{
      name: 'chk_haproxy', command: '/usr/local/bin/chk_haproxy --fast', intervalMs: 2000, timeoutMs: 1000,
      weight: 10, rise: 2, fall: 3, result: 'GOOD', uid: 0, gid: 0, running: false,
      trackedBy: [{ instance: 'VI_1', weight: 10 }],
    }],
    virtualServers: [{
      key: '10.0.0.100:80', protocol: 'TCP', address: '10.0.0.100', port: 80, scheduler: 'wrr',
      persistenceTimeoutS: 300, quorum: 1, quorumUp: true, sorryServerActive: false,
      realServers: [
        {
          address: '192.168.1.10', port: 8080, weight: 3, currentWeight: 3, alive: true, inTable: true, forwarding: 'NAT',
          checkers: [{ type: 'HTTP_GET', target: '192.168.1.10:8080', result: 'up', lastCheckAtMs: T_TRANSITION_MS, lastLatencyMs: 4.5, checksRun: 30, checksFailed: 1 }],
        },
        {
          address: '192.168.1.11', port: 8080, weight: 2, currentWeight: 0, alive: false, inTable: false, forwarding: 'NAT',
          checkers: [{ type: 'TCP_CHECK', target: '192.168.1.11:8080', result: 'down', lastCheckAtMs: T_TRANSITION_MS, lastLatencyMs: 1000, lastError: 'connect timeout', checksRun: 30, checksFailed: 30 }],
        },
      ],
    }],
    reloads: { total: 2, failed: 1, last: { atMs: T_TRANSITION_MS, ok: false, durationMs: 12, message: 'line 3: unknown keyword' } },
  };
}
