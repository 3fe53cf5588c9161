// Maps the keepalived.conf model onto the IPVS layer's input: virtual servers with their real
// and sorry servers, and the global lvs_timeouts / lvs_sync_daemon. Identities come from the
// checker side's virtualServerId() so health, pools and IPVS services line up by construction.
import type { KeepalivedConfig, LbKind, RealServer, SorryServer, TunnelConfig, VirtualServer, VirtualServerGroup } from '../config/model.js';
import { virtualServerId } from '../check/from-config.js';
import type { GlobalIpvsSpec, RealServerSpec, VirtualServerSpec, VirtualServerTarget } from '../ipvs/spec.js';
import type { ForwardMethod, SchedFlag, SyncRole } from '../ipvs/table.js';
import { SCHED_FLAGS } from '../ipvs/table.js';

const METHOD: Record<LbKind, ForwardMethod> = { NAT: 'masq', DR: 'route', TUN: 'tunnel' };

/**
 * Tunnel options: a server with its own lvs_method has its own (none written = ipip); one without
 * takes the virtual server's, as keepalived's alloc_rs copies them.
 */
function tunnelOf(own: { lbKind?: LbKind; tunnel?: TunnelConfig }, vs: VirtualServer): Pick<RealServerSpec, 'tunnel'> {
  const t = own.lbKind !== undefined ? own.tunnel : vs.tunnel;
  return t ? { tunnel: { ...t } } : {};
}

function realServer(rs: RealServer, vs: VirtualServer): RealServerSpec {
  return {
    address: rs.address,
    port: rs.port,
    weight: rs.weight,
    method: METHOD[rs.lbKind ?? vs.lbKind],
    ...tunnelOf(rs, vs),
    inhibitOnFailure: rs.inhibitOnFailure ?? vs.inhibitOnFailure,
    ...(rs.upperThreshold !== undefined ? { upperThreshold: rs.upperThreshold } : {}),
    ...(rs.lowerThreshold !== undefined ? { lowerThreshold: rs.lowerThreshold } : {}),
  };
}

function sorryServer(s: SorryServer, vs: VirtualServer): RealServerSpec {
  return { address: s.address, port: s.port, weight: 1, method: METHOD[s.lbKind ?? vs.lbKind], ...tunnelOf(s, vs) };
}

function target(vs: VirtualServer, groups: ReadonlyMap<string, VirtualServerGroup>): VirtualServerTarget {
  const k = vs.key;
  if (k.kind === 'ip') return { kind: 'addr', address: k.address, port: k.port };
  if (k.kind === 'fwmark') return { kind: 'fwmark', fwmark: k.fwmark, family: k.family };
  const g = groups.get(k.group);
  return {
    kind: 'group',
    name: k.group,
    entries: (g?.entries ?? []).map((e) => (e.kind === 'fwmark'
      ? { kind: 'fwmark' as const, fwmark: e.fwmark ?? 0 }
      : { kind: 'range' as const, address: e.address ?? '', port: e.port ?? 0, ...(e.rangeEnd !== undefined ? { rangeEnd: e.rangeEnd } : {}) })),
    ...(g?.entries[0] ? { family: g.entries[0].family } : {}),
  };
}

export function ipvsSpecsFromModel(cfg: KeepalivedConfig): VirtualServerSpec[] {
  const groups = new Map(cfg.virtualServerGroups.map((g) => [g.name, g]));
  return cfg.virtualServers.map((vs) => ({
    id: virtualServerId(vs),
    target: target(vs, groups),
    protocol: vs.protocol.toLowerCase() as VirtualServerSpec['protocol'],
    scheduler: vs.lbAlgo,
    ...(vs.persistenceTimeoutS !== undefined
      ? { persistence: { timeout: vs.persistenceTimeoutS, ...(vs.persistenceGranularity !== undefined ? { granularity: vs.persistenceGranularity } : {}) } }
      : {}),
    ...(vs.persistenceEngine !== undefined ? { persistenceEngine: vs.persistenceEngine } : {}),
    ops: vs.ops,
    flags: vs.schedFlags.filter((f): f is SchedFlag => (SCHED_FLAGS as readonly string[]).includes(f)),
    realServers: vs.realServers.map((rs) => realServer(rs, vs)),
    ...(vs.sorryServer ? { sorryServer: sorryServer(vs.sorryServer, vs) } : {}),
    sorryServerInhibit: vs.sorryServerInhibit,
    quorum: vs.quorum,
    hysteresis: vs.hysteresis,
  }));
}

/**
 * lvs_timeouts and lvs_sync_daemon. The sync daemon's role follows the VRRP instance it names:
 * master while that instance is MASTER on this director, backup otherwise (keepalived does the
 * same from its VRRP process).
 */
export function ipvsGlobalsFromModel(cfg: KeepalivedConfig, vrrpStates: ReadonlyMap<string, string>): GlobalIpvsSpec {
  const t = cfg.globalDefs.lvsTimeouts;
  const timeouts = {
    ...(t.tcpMs > 0 ? { tcp: Math.round(t.tcpMs / 1000) } : {}),
    ...(t.tcpFinMs > 0 ? { tcpfin: Math.round(t.tcpFinMs / 1000) } : {}),
    ...(t.udpMs > 0 ? { udp: Math.round(t.udpMs / 1000) } : {}),
  };
  const sd = cfg.globalDefs.lvsSyncDaemon;
  const role: SyncRole = sd && vrrpStates.get(sd.instance) === 'MASTER' ? 'master' : 'backup';
  return {
    ...(Object.keys(timeouts).length > 0 ? { timeouts } : {}),
    ...(sd
      ? {
          syncDaemons: [{
            role,
            iface: sd.interface,
            syncId: sd.syncId ?? 0,
            ...(sd.maxlen !== undefined ? { maxLen: sd.maxlen } : {}),
            ...(sd.group !== undefined ? { group: sd.group } : {}),
            ...(sd.port !== undefined ? { port: sd.port } : {}),
            ...(sd.ttl !== undefined ? { ttl: sd.ttl } : {}),
          }],
        }
      : {}),
  };
}
