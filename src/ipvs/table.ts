// The IPVS table as data: services, their destinations, global timeouts and sync daemons.
// The same model describes what should exist (desired state) and what the kernel (or the nft
// table ka-ts owns) has (actual state), so one diff serves every backend.

export type Family = 'inet' | 'inet6';
export type Protocol = 'tcp' | 'udp' | 'sctp';

/** Every scheduler the Linux kernel ships (ipvsadm 1.31's list). */
export const SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh'] as const;
export type Scheduler = (typeof SCHEDULERS)[number];

/** Scheduler flags as ipvsadm -b names them (sh-* and mh-* are flag-1 / flag-2 of those schedulers). */
export const SCHED_FLAGS = ['sh-fallback', 'sh-port', 'mh-fallback', 'mh-port', 'flag-1', 'flag-2', 'flag-3'] as const;
export type SchedFlag = (typeof SCHED_FLAGS)[number];

/** Forwarding method: NAT = masq (-m), DR = route (-g), TUN = tunnel (-i). */
export type ForwardMethod = 'masq' | 'route' | 'tunnel';

export type TunnelType = 'ipip' | 'gue' | 'gre';
export type TunnelChecksum = 'nocsum' | 'csum' | 'remcsum';

export interface TunnelOptions {
  type: TunnelType;
  /** GUE destination port (gue only). */
  port?: number;
  /** gue and gre only; the kernel reports `nocsum` when none was asked for. */
  checksum?: TunnelChecksum;
}

/** Identity of a virtual service: protocol + address + port, or a firewall mark. */
export type ServiceId =
  | { kind: 'addr'; family: Family; protocol: Protocol; address: string; port: number }
  | { kind: 'fwmark'; family: Family; fwmark: number };

export interface Persistence {
  /** Seconds (ipvsadm -p). */
  timeout: number;
  /** Granularity (ipvsadm -M): dotted mask for IPv4, prefix length for IPv6; absent = host. */
  netmask?: string;
}

export interface ServiceSettings {
  scheduler: Scheduler;
  persistence?: Persistence;
  /** One-packet scheduling (ipvsadm -o). */
  ops: boolean;
  /** Sorted, unique. */
  flags: SchedFlag[];
  /** Persistence engine (ipvsadm --pe), e.g. "sip". */
  persistenceEngine?: string;
}

export interface Service extends ServiceSettings {
  id: ServiceId;
}

export interface Destination {
  address: string;
  port: number;
  method: ForwardMethod;
  weight: number;
  /** Connection thresholds (ipvsadm -x / -y); 0 = none. */
  upperThreshold: number;
  lowerThreshold: number;
  tunnel?: TunnelOptions;
}

export interface ServiceEntry {
  service: Service;
  /** Keyed by destKey(). */
  dests: Map<string, Destination>;
}

/** Connection timeouts in seconds (ipvsadm --set tcp tcpfin udp); undefined = leave as is. */
export interface Timeouts {
  tcp?: number;
  tcpfin?: number;
  udp?: number;
}

export type SyncRole = 'master' | 'backup';

/** One IPVS connection-sync daemon (ipvsadm --start-daemon). */
export interface SyncDaemon {
  role: SyncRole;
  iface: string;
  syncId: number;
  maxLen?: number;
  group?: string;
  port?: number;
  ttl?: number;
}

export interface IpvsTable {
  /** Keyed by serviceKey(). */
  services: Map<string, ServiceEntry>;
  /** Desired: only the fields set are managed. Actual: what the kernel reports (if readable). */
  timeouts?: Timeouts;
  /** Desired: undefined = sync daemons are not managed. Actual: the running daemons. */
  syncDaemons?: SyncDaemon[];
}

export function emptyTable(): IpvsTable {
  return { services: new Map() };
}

const PROTO_OPT: Record<Protocol, string> = { tcp: '-t', udp: '-u', sctp: '--sctp-service' };

/** host:port the way ipvsadm prints it (IPv6 in brackets). */
export function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The ipvsadm selector of a service: `-t 10.0.0.1:80`, `-f 7 -6`, … (also its map key). */
export function serviceSelector(id: ServiceId): string {
  if (id.kind === 'fwmark') return id.family === 'inet6' ? `-f ${id.fwmark} -6` : `-f ${id.fwmark}`;
  return `${PROTO_OPT[id.protocol]} ${hostPort(id.address, id.port)}`;
}

export const serviceKey = serviceSelector;

export function destKey(d: { address: string; port: number }): string {
  return hostPort(d.address, d.port);
}

export function cloneTable(t: IpvsTable): IpvsTable {
  const services = new Map<string, ServiceEntry>();
  for (const [k, e] of t.services) {
    services.set(k, { service: structuredClone(e.service), dests: new Map([...e.dests].map(([dk, d]) => [dk, structuredClone(d)])) });
  }
  const out: IpvsTable = { services };
  if (t.timeouts) out.timeouts = { ...t.timeouts };
  if (t.syncDaemons) out.syncDaemons = t.syncDaemons.map((d) => ({ ...d }));
  return out;
}
