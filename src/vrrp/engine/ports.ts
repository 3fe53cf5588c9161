// What the engine needs from the outside world, as narrow interfaces. The engine is written
// against these only, so the transport (vrrp-io's sockets and AddressManager), the notify runner
// and the link monitor can be swapped without touching the protocol wiring, and an engine can be
// run against any implementation that does real I/O.
import type { IpFamily } from '../packet/constants.js';

/** One received VRRP packet with what the IP header (or ancillary data) said. */
export interface ReceivedPacket {
  /** VRRP payload only (IPv4 header already stripped). */
  payload: Buffer;
  src: string;
  dst: string;
  /** IPv4 TTL / IPv6 hop limit, when the transport can read it. */
  ttl?: number;
  /** IPv4 total length and header length, for the length cross-check. */
  ipTotalLength?: number;
  ipHeaderLength?: number;
}

export interface VrrpChannelOptions {
  ifname: string;
  family: IpFamily;
  /** Join the VRRP multicast group on the interface (false for unicast-only instances). */
  multicast: boolean;
  /** unicast_src_ip: the address to send from, when the transport can bind it. */
  sourceAddress?: string;
}

/** A VRRP socket bound to one interface and family. */
export interface VrrpChannel {
  send(payload: Buffer, dst: string): void;
  close(): void;
}

export interface VrrpTransport {
  open(opts: VrrpChannelOptions, onPacket: (p: ReceivedPacket) => void, onError: (err: Error) => void): VrrpChannel;
}

/** A virtual address in the form `ip addr` takes, plus where it goes. */
export interface VipEntry {
  /** `addr/prefix` (prefix defaults to /32 or /128). */
  cidr: string;
  dev: string;
  brd?: string;
  scope?: string;
  label?: string;
}

/** A virtual_route / virtual_rule as `ip route` / `ip rule` words (vrrp-io's IpObjectSpec). */
export interface IpObject {
  family: 'ipv4' | 'ipv6';
  words: string[];
}

/** Everything one transition changes, applied as one batch per family. */
export interface AddressTransaction {
  addAddresses?: VipEntry[];
  removeAddresses?: VipEntry[];
  addRoutes?: IpObject[];
  removeRoutes?: IpObject[];
  addRules?: IpObject[];
  removeRules?: IpObject[];
}

export interface AddressPort {
  /** Adds all `add` and removes all `del` as one batch; idempotent; rejects with a typed error. */
  apply(add: VipEntry[], del: VipEntry[]): Promise<void>;
  /**
   * Addresses, routes and rules in one transaction. Optional: an implementation without it cannot
   * run instances with virtual_routes / virtual_rules, and the engine says so instead of
   * silently dropping them.
   */
  transact?(tx: AddressTransaction): Promise<unknown>;
}

/** Gratuitous ARP (IPv4) / unsolicited neighbour advertisement (IPv6) for addresses on an interface. */
export interface AnnouncePort {
  announce(ifname: string, addresses: string[]): void;
}

export interface InterfaceFacts {
  ifindex: number;
  mac: string;
  up: boolean;
  /** Primary IPv4 address, if any. */
  ipv4?: string;
  /** Link-local IPv6 address, if any. */
  ipv6LinkLocal?: string;
}

export interface LinkPort {
  /** Current facts for an interface, or undefined if it does not exist. */
  facts(ifname: string): Promise<InterfaceFacts | undefined>;
  /** Calls `onChange` whenever an interface's running state changes; returns a stop function. */
  watch(onChange: (ifname: string, up: boolean) => void): () => void;
}

/**
 * vrrp_strict without `accept`: a MASTER that is not the address owner must not accept packets
 * addressed to its VIPs (RFC 5798 §6.4.3); keepalived installs firewall drop rules for them.
 * block/unblock are fire-and-forget, applied in order; close() removes everything it added.
 */
export interface TrafficBlockPort {
  block(addresses: string[]): void;
  unblock(addresses: string[]): void;
  close(): Promise<void>;
}
