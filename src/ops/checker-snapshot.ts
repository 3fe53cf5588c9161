import type { KeepalivedConfig, VirtualServer } from '../config/model.js';
import { virtualServerId } from '../check/from-config.js';
import type { CheckerStatus, VirtualServerStatus } from '../check/service.js';
import { realServerId } from '../check/spec.js';
import type { CheckerSnapshot, DaemonSnapshot, RealServerSnapshot, VirtualServerSnapshot } from './snapshot.js';
import { formatHostPort } from './metrics/kats-metrics.js';

/**
 * The checkers' part of the daemon snapshot: each configured virtual server with its real
 * servers' health as the CheckerService reports it (alive, weight in the pool, every checker's
 * last result and latency). This is what the checker child answers to the parent's `snapshot`.
 */
export type CheckerSnapshotPart = Pick<DaemonSnapshot, 'virtualServers'>;

function checker(c: CheckerStatus): CheckerSnapshot {
  return {
    type: c.type,
    target: c.target,
    // Before its first completed probe a checker has no result, whatever its initial state.
    result: c.runs === 0 ? 'unknown' : c.up ? 'up' : 'down',
    ...(c.lastCheckAt ? { lastCheckAtMs: Date.parse(c.lastCheckAt) } : {}),
    ...(c.latencyMs !== undefined ? { lastLatencyMs: c.latencyMs } : {}),
    ...(c.lastResult && !c.lastResult.ok ? { lastError: c.lastResult.reason } : {}),
    checksRun: c.runs,
    checksFailed: c.failures,
  };
}

function keyText(vs: VirtualServer): Pick<VirtualServerSnapshot, 'key' | 'address' | 'port' | 'fwmark' | 'group'> {
  const k = vs.key;
  if (k.kind === 'ip') return { key: formatHostPort(k.address, k.port), address: k.address, port: k.port };
  if (k.kind === 'fwmark') return { key: `fwmark ${k.fwmark}`, fwmark: k.fwmark };
  return { key: `group ${k.group}`, group: k.group };
}

export function checkerSnapshotPart(cfg: Pick<KeepalivedConfig, 'virtualServers'>, status: readonly VirtualServerStatus[]): CheckerSnapshotPart {
  const live = new Map(status.map((s) => [s.vs, s]));
  const virtualServers = cfg.virtualServers.map((vs): VirtualServerSnapshot => {
    const st = live.get(virtualServerId(vs));
    const rsLive = new Map((st?.realServers ?? []).map((r) => [r.rs, r]));
    const realServers = vs.realServers.map((rs): RealServerSnapshot => {
      const r = rsLive.get(realServerId(rs));
      const inhibit = rs.inhibitOnFailure ?? vs.inhibitOnFailure;
      return {
        address: rs.address,
        port: rs.port,
        weight: rs.weight,
        currentWeight: r?.inPool ? r.weight : 0,
        alive: r?.alive ?? false,
        // inhibit_on_failure keeps a dead server in the table with weight 0.
        inTable: (r?.inPool ?? false) || (inhibit && r !== undefined),
        forwarding: rs.lbKind ?? vs.lbKind,
        checkers: (r?.checkers ?? []).map(checker),
      };
    });
    return {
      ...keyText(vs),
      protocol: vs.protocol,
      scheduler: vs.lbAlgo,
      ...(vs.persistenceTimeoutS !== undefined ? { persistenceTimeoutS: vs.persistenceTimeoutS } : {}),
      quorum: vs.quorum,
      quorumUp: st?.quorumUp ?? false,
      ...(vs.sorryServer ? { sorryServer: formatHostPort(vs.sorryServer.address, vs.sorryServer.port) } : {}),
      sorryServerActive: st?.sorryServerActive ?? false,
      realServers,
    };
  });
  return { virtualServers };
}
