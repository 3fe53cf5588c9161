// The checker side's own narrow input: virtual servers, real servers and checkers with every
// keepalived default already resolved (times in milliseconds). The config model is mapped onto
// these types (see from-config.ts when present) so the checker never re-derives defaults.

/** Connection options shared by every network checker (keepalived's conn_opts). */
export interface ConnectSpec {
  /** Address to probe; keepalived default: the real server's address (connect_ip). */
  host: string;
  /** Port to probe; default the real server's port (connect_port). */
  port: number;
  /** Source address (bindto). */
  bindTo?: string;
  /** Source port (bind_port). */
  bindPort?: number;
  /** bind_if: the interface the check's socket is bound to (SO_BINDTODEVICE; TCP_CHECK only). */
  bindIf?: string;
  /** fwmark: the mark on the check's packets (SO_MARK; TCP_CHECK only). */
  fwmark?: number;
  /** connect_timeout, default 5 s. */
  timeoutMs: number;
}

import type { BodyRegexSpec } from './body-regex.js';

export interface HttpUrlSpec {
  path: string;
  /** Lower-case hex MD5 of the body, as keepalived's genhash prints it. */
  digest?: string;
  /** Accepted status codes as inclusive ranges; keepalived default 200-299. */
  statusCodes: Array<[number, number]>;
  /** Host header / SNI name; falls back to the checker's, then the real server's virtualhost. */
  virtualhost?: string;
  /** regex: the body must match (or with regex_no_match must not); checked after status and digest. */
  regex?: BodyRegexSpec;
}

export interface TcpCheckSpec { type: 'TCP_CHECK'; connect: ConnectSpec }
export interface HttpCheckSpec {
  type: 'HTTP_GET' | 'SSL_GET';
  connect: ConnectSpec;
  urls: HttpUrlSpec[];
  virtualhost?: string;
  /** SSL_GET: send SNI (keepalived `enable_sni`); the name is the virtualhost. */
  enableSni?: boolean;
  /** SSL_GET: reject certificates that do not verify. keepalived does not verify: default false. */
  verify?: boolean;
  /** SSL_GET: CA bundle (PEM text) used when verify is on. */
  ca?: string;
}
export interface MiscCheckSpec {
  type: 'MISC_CHECK';
  /** The command line (misc_path), split on whitespace as keepalived does. */
  path: string;
  /** misc_timeout; keepalived default: the delay_loop. */
  timeoutMs: number;
  dynamic: boolean;
  /** Run as this uid/gid (from `user`); resolved by the caller. */
  uid?: number;
  gid?: number;
}
export interface PingCheckSpec { type: 'PING_CHECK'; connect: ConnectSpec }
export interface UdpCheckSpec {
  type: 'UDP_CHECK';
  connect: ConnectSpec;
  /** Bytes to send; keepalived sends a random payload when none is configured. */
  payload?: Uint8Array;
  requireReply: boolean;
  /** Expected reply prefix and mask of bits to ignore (the X nibbles of the hex string). */
  replyData?: Uint8Array;
  replyMask?: Uint8Array;
  minReplyLength: number;
  maxReplyLength: number;
}
export type DnsQueryType = 'A' | 'NS' | 'CNAME' | 'SOA' | 'MX' | 'TXT' | 'AAAA' | 'RRSIG' | 'DNSKEY';
export interface DnsCheckSpec { type: 'DNS_CHECK'; connect: ConnectSpec; queryType: DnsQueryType; name: string }
export interface SmtpCheckSpec { type: 'SMTP_CHECK'; connect: ConnectSpec; heloName: string }

export type ProbeSpec =
  | TcpCheckSpec | HttpCheckSpec | MiscCheckSpec | PingCheckSpec | UdpCheckSpec | DnsCheckSpec | SmtpCheckSpec;

/** Per-checker timing, already resolved from checker → real server → virtual server → default. */
export interface CheckerTiming {
  delayLoopMs: number;
  /** Retries after a failure of an up checker before it is declared down (retry / nb_get_retry). */
  retry: number;
  delayBeforeRetryMs: number;
  /** Upper bound of the random initial delay; keepalived default: delay_loop. 0 disables. */
  warmupMs: number;
  /** Start down and need one success (alpha). */
  alpha: boolean;
}

export interface CheckerSpec { probe: ProbeSpec; timing: CheckerTiming }

export interface NotifyCommand { command: string; user?: string; group?: string }

export interface RealServerSpec {
  address: string;
  port: number;
  weight: number;
  inhibitOnFailure: boolean;
  notifyUp?: NotifyCommand;
  notifyDown?: NotifyCommand;
  checkers: CheckerSpec[];
}

export interface SorryServerSpec { address: string; port: number; weight: number; inhibit: boolean }

export interface VirtualServerSpec {
  /** Stable identity: "TCP:10.0.0.1:80", "FWM:7", "GROUP:name:TCP"… used as the event key. */
  id: string;
  quorum: number;
  hysteresis: number;
  quorumUp?: NotifyCommand;
  quorumDown?: NotifyCommand;
  sorryServer?: SorryServerSpec;
  alpha: boolean;
  omega: boolean;
  /** Run the checks only while this director holds the VIP (see CheckerService.setVipPresent). */
  haSuspend: boolean;
  /**
   * The virtual server's own addresses (its IP, or every address of its group): with ha_suspend
   * the checks run while any of them is configured locally (CheckerService.setLocalAddresses).
   */
  vipAddresses?: string[];
  realServers: RealServerSpec[];
}

export const realServerId = (rs: { address: string; port: number }): string =>
  rs.address.includes(':') ? `[${rs.address}]:${rs.port}` : `${rs.address}:${rs.port}`;
