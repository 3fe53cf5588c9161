// Desired IPVS table from the virtual servers and the checkers' results — pure, keepalived's
// rules (keepalived/check/ipwrapper.c):
//  - a live real server is a destination with its effective weight;
//  - a failed one is removed, or kept with weight 0 when inhibit_on_failure is set;
//  - quorum (sum of live weights vs quorum ± hysteresis) lost with a sorry_server: the live real
//    servers leave the pool (inhibited ones drop to weight 0) and the sorry server enters;
//    quorum lost without a sorry server changes nothing in the pool;
//  - sorry_server_inhibit keeps the sorry server in the table with weight 0 while quorum is up.
import { canonicalAddress, canonicalNetmask } from './address.js';
import { IpvsSpecError } from './errors.js';
import { nextQuorumUp } from './quorum.js';
import { expandServiceIds } from './service-expansion.js';
import { realServerKey, type GlobalIpvsSpec, type HealthMap, type PoolInput, type RealServerSpec, type VirtualServerSpec } from './spec.js';
import { canonicalSchedFlags } from './sched-flags.js';
import { destKey, serviceKey, type Destination, type IpvsTable, type ServiceEntry, type ServiceId, type ServiceSettings, type TunnelOptions } from './table.js';

export const IPVS_WEIGHT_MAX = 65535;

export interface DesiredInput {
  virtualServers: readonly VirtualServerSpec[];
  health: HealthMap;
  /** The checkers' pools by virtual server id; a virtual server with a pool ignores `health`. */
  pools?: ReadonlyMap<string, PoolInput>;
  /** Quorum state of each virtual server (by spec id) from the previous computation; empty at start. */
  previousQuorum?: ReadonlyMap<string, boolean>;
  globals?: GlobalIpvsSpec;
}

export interface DesiredOutput {
  table: IpvsTable;
  /** Quorum state per virtual server id: feed back as previousQuorum next time. */
  quorum: Map<string, boolean>;
  /** Virtual/real servers left out, each with where and why. */
  diagnostics: IpvsSpecError[];
}

function clampWeight(w: number): number {
  if (!Number.isFinite(w)) return 0;
  return Math.min(IPVS_WEIGHT_MAX, Math.max(0, Math.trunc(w)));
}

function normalTunnel(method: Destination['method'], t: TunnelOptions | undefined): TunnelOptions | undefined {
  if (method !== 'tunnel' || t === undefined || t.type === 'ipip') return undefined;
  // The kernel reports gue/gre tunnels as nocsum when no checksum mode was asked for.
  const out: TunnelOptions = { type: t.type, checksum: t.checksum ?? 'nocsum' };
  if (t.type === 'gue' && t.port !== undefined) out.port = t.port;
  return out;
}

function settingsFor(vs: VirtualServerSpec, id: ServiceId): ServiceSettings {
  const s: ServiceSettings = {
    scheduler: vs.scheduler,
    ops: vs.ops ?? false,
    flags: canonicalSchedFlags(vs.scheduler, vs.flags ?? []),
  };
  if (vs.persistence && vs.persistence.timeout > 0) {
    s.persistence = { timeout: vs.persistence.timeout };
    if (vs.persistence.granularity !== undefined) {
      const m = canonicalNetmask(id.family, vs.persistence.granularity);
      if (m instanceof Error) throw new IpvsSpecError(`virtual_server ${vs.id}`, m.message);
      if (m !== undefined) s.persistence.netmask = m;
    }
  }
  if (vs.persistenceEngine) s.persistenceEngine = vs.persistenceEngine;
  return s;
}

function toDest(vsId: string, id: ServiceId, rs: RealServerSpec, weight: number): Destination {
  const where = `virtual_server ${vsId} real_server ${rs.address}`;
  const address = canonicalAddress(rs.address);
  if (address === undefined) throw new IpvsSpecError(where, `'${rs.address}' is not an IP address`);
  const servicePort = id.kind === 'fwmark' ? 0 : id.port;
  // DR and TUN cannot translate ports: the kernel stores such a destination with the service's
  // port whatever was asked (ip_vs_ctl.c), so the desired state says the same or it would never converge.
  const port = rs.method === 'masq' ? rs.port ?? servicePort : servicePort;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new IpvsSpecError(where, `port ${port} is not 0-65535`);
  const d: Destination = {
    address,
    port,
    method: rs.method,
    weight: clampWeight(weight),
    upperThreshold: rs.upperThreshold ?? 0,
    lowerThreshold: rs.lowerThreshold ?? 0,
  };
  const tunnel = normalTunnel(rs.method, rs.tunnel);
  if (tunnel) d.tunnel = tunnel;
  return d;
}

interface Members {
  quorumUp: boolean;
  list: { rs: RealServerSpec; weight: number; quiet: boolean }[];
}

/** keepalived's rules applied to per-real-server health (see the header). */
function fromHealth(vs: VirtualServerSpec, health: HealthMap, previousQuorum: boolean | undefined): Members {
  const live: { rs: RealServerSpec; weight: number }[] = [];
  const dead: RealServerSpec[] = [];
  for (const rs of vs.realServers) {
    const h = health.get(realServerKey(vs.id, rs));
    if (h === undefined || h.alive) live.push({ rs, weight: h?.weight ?? rs.weight });
    else dead.push(rs);
  }
  const sum = live.reduce((acc, l) => acc + clampWeight(l.weight), 0);
  const quorumUp = nextQuorumUp(previousQuorum, sum, vs.quorum ?? 1, vs.hysteresis ?? 0);
  const list: Members['list'] = [];
  if (!quorumUp && vs.sorryServer) {
    list.push({ rs: vs.sorryServer, weight: vs.sorryServer.weight, quiet: false });
    for (const l of live) if (l.rs.inhibitOnFailure) list.push({ rs: l.rs, weight: 0, quiet: true });
    for (const rs of dead) if (rs.inhibitOnFailure) list.push({ rs, weight: 0, quiet: true });
  } else {
    for (const l of live) list.push({ rs: l.rs, weight: l.weight, quiet: false });
    for (const rs of dead) if (rs.inhibitOnFailure) list.push({ rs, weight: 0, quiet: false });
    if (vs.sorryServer && vs.sorryServerInhibit) list.push({ rs: vs.sorryServer, weight: 0, quiet: true });
  }
  return { quorumUp, list };
}

/** The checker side already decided; map its destinations back to the real server specs (method, tunnel, thresholds). */
function fromPool(vs: VirtualServerSpec, pool: PoolInput, diagnostics: IpvsSpecError[]): Members {
  const list: Members['list'] = [];
  for (const d of pool.destinations) {
    const addr = canonicalAddress(d.address);
    const same = (rs: RealServerSpec): boolean => canonicalAddress(rs.address) === addr && (rs.port === undefined || rs.port === d.port);
    const rs = d.role === 'sorry' ? (vs.sorryServer && same(vs.sorryServer) ? vs.sorryServer : undefined) : vs.realServers.find(same);
    if (!rs) {
      diagnostics.push(new IpvsSpecError(`virtual_server ${vs.id}`, `checker pool names ${d.role} server ${d.address}:${d.port}, which the configuration does not have; ignored`));
      continue;
    }
    list.push({ rs, weight: d.weight, quiet: d.role === 'sorry' });
  }
  // An active sorry server wins over a real server at the same address (keepalived s_svr_duplicates_rs).
  list.sort((a, b) => Number(b.rs === vs.sorryServer && b.weight > 0) - Number(a.rs === vs.sorryServer && a.weight > 0));
  return { quorumUp: pool.quorumUp, list };
}

export function buildDesiredTable(input: DesiredInput): DesiredOutput {
  const table: IpvsTable = { services: new Map() };
  if (input.globals?.timeouts) table.timeouts = { ...input.globals.timeouts };
  if (input.globals?.syncDaemons) table.syncDaemons = input.globals.syncDaemons.map((d) => ({ ...d }));
  const quorum = new Map<string, boolean>();
  const diagnostics: IpvsSpecError[] = [];

  for (const vs of input.virtualServers) {
    let ids: ServiceId[];
    try {
      ids = expandServiceIds(vs);
    } catch (e) {
      if (e instanceof IpvsSpecError) { diagnostics.push(e); continue; }
      throw e;
    }
    // Who is in the pool with which weight: from the checkers' pool when given, else from health.
    const pool = input.pools?.get(vs.id);
    const members = pool ? fromPool(vs, pool, diagnostics) : fromHealth(vs, input.health, input.previousQuorum?.get(vs.id));
    quorum.set(vs.id, members.quorumUp);

    for (const id of ids) {
      const key = serviceKey(id);
      let settings: ServiceSettings;
      try {
        settings = settingsFor(vs, id);
      } catch (e) {
        if (e instanceof IpvsSpecError) { diagnostics.push(e); continue; }
        throw e;
      }
      if (table.services.has(key)) {
        diagnostics.push(new IpvsSpecError(`virtual_server ${vs.id}`, `service ${key} is already defined by another virtual_server; ignored`));
        continue;
      }
      const entry: ServiceEntry = { service: { id, ...settings }, dests: new Map() };
      // `quiet`: the sorry server may also be one of the real servers (keepalived allows it).
      const put = (rs: RealServerSpec, weight: number, quiet = false): void => {
        try {
          const d = toDest(vs.id, id, rs, weight);
          const k = destKey(d);
          if (entry.dests.has(k)) {
            if (quiet) return;
            diagnostics.push(new IpvsSpecError(`virtual_server ${vs.id}`, `real_server ${k} listed twice; the first one is used`));
            return;
          }
          entry.dests.set(k, d);
        } catch (e) {
          if (e instanceof IpvsSpecError) diagnostics.push(e);
          else throw e;
        }
      };
      for (const m of members.list) put(m.rs, m.weight, m.quiet);
      table.services.set(key, entry);
    }
  }
  return { table, quorum, diagnostics };
}
