// Narrow input of the desired-state builder: the virtual_server / real_server facts from the
// config (already defaulted by the config layer) and the checkers' view of each real server.
// The daemon maps src/config's model onto these types, so the IPVS layer depends on nothing else.
import type { Family, ForwardMethod, Protocol, SchedFlag, Scheduler, SyncDaemon, Timeouts, TunnelOptions } from './table.js';

export interface RealServerSpec {
  address: string;
  /** Absent: the virtual server's port (0 for fwmark services), as keepalived does. */
  port?: number;
  /** Configured weight (keepalived default 1). */
  weight: number;
  /** lvs_method of this real server (the config layer resolves the virtual server's default). */
  method: ForwardMethod;
  tunnel?: TunnelOptions;
  upperThreshold?: number;
  lowerThreshold?: number;
  /** inhibit_on_failure: a failed server stays with weight 0 instead of being removed. */
  inhibitOnFailure?: boolean;
}

/** One virtual_server_group entry: `IP[-LAST] PORT` or `fwmark N`. */
export type GroupEntrySpec =
  | {
      kind: 'range';
      address: string;
      /** Last value of the final octet (IPv4) or final 16-bit group (IPv6, hex or decimal number); absent = single address. */
      rangeEnd?: number;
      port: number;
    }
  | { kind: 'fwmark'; fwmark: number };

export type VirtualServerTarget =
  | { kind: 'addr'; address: string; port: number }
  | { kind: 'fwmark'; fwmark: number; family?: Family }
  | { kind: 'group'; name: string; entries: GroupEntrySpec[]; family?: Family };

export interface VirtualServerSpec {
  /**
   * Stable identity used to key health and quorum (e.g. "10.0.0.1 80 TCP", "group web TCP",
   * "fwmark 7"). The config layer picks it; it must be unique.
   */
  id: string;
  target: VirtualServerTarget;
  /** Ignored for fwmark entries (IPVS fwmark services have no protocol). */
  protocol: Protocol;
  scheduler: Scheduler;
  persistence?: { timeout: number; granularity?: string };
  ops?: boolean;
  flags?: SchedFlag[];
  persistenceEngine?: string;
  realServers: RealServerSpec[];
  sorryServer?: RealServerSpec;
  /** sorry_server_inhibit: the sorry server stays in the table with weight 0 while quorum is up. */
  sorryServerInhibit?: boolean;
  /** keepalived default 1. */
  quorum?: number;
  /** keepalived default 0. */
  hysteresis?: number;
}

export interface RealServerHealth {
  alive: boolean;
  /** Effective weight when a checker changed it (MISC_CHECK misc_dynamic, tracked files); else the configured weight. */
  weight?: number;
}

/**
 * The checkers' view: key realServerKey(vs.id, rs). A missing entry counts as alive, which is
 * keepalived's start-up behaviour without `alpha`; the checker side reports alpha servers as down
 * until their first success.
 */
export type HealthMap = ReadonlyMap<string, RealServerHealth>;

/**
 * The checker side's level view of one virtual server (structurally src/check/events.ts PoolView):
 * the destinations IPVS should hold with quorum, sorry server and inhibit already applied. When
 * given, it replaces `HealthMap` for that virtual server, so the two sides cannot disagree.
 */
export interface PoolInput {
  quorumUp: boolean;
  destinations: readonly { address: string; port: number; weight: number; role: 'real' | 'sorry' }[];
}

export function realServerKey(vsId: string, rs: { address: string; port?: number }): string {
  return `${vsId}|${rs.address}|${rs.port ?? ''}`;
}

export interface GlobalIpvsSpec {
  /** lvs_timeouts. */
  timeouts?: Timeouts;
  /** lvs_sync_daemon; the role follows the named VRRP instance (the daemon decides). */
  syncDaemons?: SyncDaemon[];
}
