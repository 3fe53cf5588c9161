// The typed keepalived.conf model: what keepalived 2.2.7 would build from a configuration,
// with its defaults filled in. This is the shared contract between the parser (parsers/) and
// every consumer (vrrp, check, ipvs, daemon, ops). Conventions:
//  - durations are milliseconds (keepalived writes seconds; `advert_int 1` → advertIntMs 1000);
//  - every object carries `loc` (where it was written) so later stages can give located errors;
//  - a field that keepalived leaves "unset" (inherit from a parent/global) is optional here;
//  - `extra` keeps keywords keepalived accepts that ka-ts does not model, with their raw words,
//    so that rendering back to keepalived.conf loses nothing.
// Changes to this file must be additive.

export interface SourceLoc {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
}

export type Family = 'inet' | 'inet6';

/** Keywords accepted but not modelled: keyword → raw words of each occurrence (in order). */
export type ExtraKeywords = Record<string, string[][]>;

// ---------------------------------------------------------------------------------------------
// global_defs

export interface LvsSyncDaemon {
  interface: string;
  /** VRRP instance whose state drives master/backup of the sync daemon. */
  instance: string;
  syncId?: number;
  maxlen?: number;
  port?: number;
  ttl?: number;
  group?: string;
  loc: SourceLoc;
}

export interface LvsTimeouts {
  /** 0 = leave kernel default. */
  tcpMs: number;
  tcpFinMs: number;
  udpMs: number;
}

export interface ScriptUser {
  user: string;
  group?: string;
}

export interface GlobalDefs {
  loc?: SourceLoc;
  routerId?: string;
  notificationEmail: string[];
  notificationEmailFrom?: string;
  smtpServer?: { address: string; port: number };
  smtpHeloName?: string;
  /** smtp_connect_timeout, default 30 s. */
  smtpConnectTimeoutMs: number;
  enableScriptSecurity: boolean;
  scriptUser?: ScriptUser;
  /** vrrp_version, default 2. */
  vrrpVersion: 2 | 3;
  vrrpStrict: boolean;
  vrrpMcastGroup4: string;
  vrrpMcastGroup6: string;
  /** vrrp_garp_master_delay, default 5 s. */
  vrrpGarpMasterDelayMs: number;
  /** vrrp_garp_master_repeat, default 5. */
  vrrpGarpMasterRepeat: number;
  /** vrrp_garp_master_refresh, default 0 (off). */
  vrrpGarpMasterRefreshMs: number;
  vrrpGarpMasterRefreshRepeat: number;
  /** vrrp_garp_lower_prio_delay; unset = same as master delay. */
  vrrpGarpLowerPrioDelayMs?: number;
  vrrpGarpLowerPrioRepeat?: number;
  /** vrrp_garp_interval (delay between GARPs of one burst), default 0. */
  vrrpGarpIntervalMs: number;
  vrrpGnaIntervalMs: number;
  vrrpLowerPrioNoAdvert: boolean;
  vrrpHigherPrioSendAdvert: boolean;
  vrrpSkipCheckAdvAddr: boolean;
  vrrpCheckUnicastSrc: boolean;
  vrrpPriority?: number;
  checkerPriority?: number;
  /** max_auto_priority: undefined = not set; -1 = set without value (keepalived's max). */
  maxAutoPriority?: number;
  dynamicInterfaces: boolean;
  lvsTimeouts: LvsTimeouts;
  lvsSyncDaemon?: LvsSyncDaemon;
  lvsFlush: boolean;
  notifyFifo?: string;
  vrrpNotifyFifo?: string;
  lvsNotifyFifo?: string;
  /** script time-out for notify scripts, unset = keepalived default. */
  scriptTimeoutMs?: number;
  extra: ExtraKeywords;
}

// ---------------------------------------------------------------------------------------------
// addresses, routes, rules (static_* and virtual_*)

export interface VirtualAddress {
  address: string;
  /** Default 32 (IPv4) / 128 (IPv6). */
  prefixLen: number;
  family: Family;
  brd?: string;
  dev?: string;
  scope?: string;
  label?: string;
  peer?: string;
  noTrack?: boolean;
  /** Remaining words keepalived accepts (preferred_lft, home, nodad, ...), raw. */
  options?: string[];
  loc: SourceLoc;
}

export interface VirtualRoute {
  /** The route as written (keepalived's ip-route-like syntax), minus deprecated aliases. */
  words: string[];
  destination: string;
  family: Family;
  via?: string;
  dev?: string;
  src?: string;
  table?: string;
  metric?: number;
  noTrack?: boolean;
  loc: SourceLoc;
}

export interface VirtualRule {
  words: string[];
  family: Family;
  from?: string;
  to?: string;
  table?: string;
  preference?: number;
  noTrack?: boolean;
  loc: SourceLoc;
}

// ---------------------------------------------------------------------------------------------
// tracking objects

export interface VrrpScript {
  name: string;
  /** The command line as written (keepalived splits it like a shell, without expansion). */
  script?: string;
  /** interval, default 1 s. */
  intervalMs: number;
  /** timeout; unset = interval. */
  timeoutMs?: number;
  /** weight, default 0 (script failure → FAULT). */
  weight: number;
  /** weight reverse: a success lowers the priority. */
  weightReverse: boolean;
  /** rise, default 1. */
  rise: number;
  /** fall, default 1. */
  fall: number;
  user?: ScriptUser;
  initFail: boolean;
  loc: SourceLoc;
  extra: ExtraKeywords;
}

export interface VrrpTrackFile {
  name: string;
  file?: string;
  /** weight, default 1. */
  weight: number;
  weightReverse: boolean;
  initFile?: { value: number; overwrite: boolean };
  loc: SourceLoc;
}

export interface VrrpTrackProcess {
  name: string;
  process?: string;
  /** The parameters after the process name: matched against the command line's arguments. */
  params?: string[];
  /**
   * How `params` are matched (keepalived PARAM_MATCH_*): exact (all, and no more), partial (the
   * first ones), initial (the first ones, the last only as a prefix). Any of them implies
   * full_command.
   */
  paramMatch?: 'exact' | 'initial' | 'partial';
  weight: number;
  weightReverse: boolean;
  /** Fewest matching processes for success, default 1 (0 when quorum_max is 0). */
  quorum: number;
  /** Most matching processes for success; absent = unlimited, 0 = must not run at all. */
  quorumMax?: number;
  forkDelayMs: number;
  terminateDelayMs: number;
  fullCommand: boolean;
  loc: SourceLoc;
}

/** An entry of track_interface / track_script / track_file / track_process. */
export interface TrackRef {
  name: string;
  /** Weight as written; undefined = the tracked object's own weight (scripts/files) or 0 (interfaces → FAULT). */
  weight?: number;
  reverse?: boolean;
  loc: SourceLoc;
}

// ---------------------------------------------------------------------------------------------
// VRRP

export interface NotifyScripts {
  master?: string;
  backup?: string;
  fault?: string;
  stop?: string;
  deleted?: string;
  /** `notify`: called for every transition with TYPE NAME STATE PRIORITY. */
  notify?: string;
  masterRxLowerPri?: string;
}

export interface UnicastPeer {
  address: string;
  minTtl?: number;
  maxTtl?: number;
  loc: SourceLoc;
}

export interface VrrpAuthentication {
  type: 'PASS' | 'AH';
  /** auth_pass, truncated to 8 characters as keepalived does. */
  pass: string;
}

export interface VrrpInstance {
  name: string;
  /** `state`: the initial state, default BACKUP. */
  state: 'MASTER' | 'BACKUP';
  interface?: string;
  /** virtual_router_id (1-255). An instance without one is reported and removed, as keepalived removes it. */
  virtualRouterId: number;
  /** priority, default 100 (255 = address owner). */
  priority: number;
  /** advert_int, default 1 s. */
  advertIntMs: number;
  /** version; unset = global vrrp_version. */
  version?: 2 | 3;
  /** Family of the VIPs (first address decides; mixing is an error). */
  family: Family;
  nopreempt: boolean;
  /** preempt_delay, default 0. */
  preemptDelayMs: number;
  mcastSrcIp?: string;
  unicastSrcIp?: string;
  unicastPeers: UnicastPeer[];
  virtualIpaddresses: VirtualAddress[];
  virtualIpaddressesExcluded: VirtualAddress[];
  virtualRoutes: VirtualRoute[];
  virtualRules: VirtualRule[];
  trackInterfaces: TrackRef[];
  trackScripts: TrackRef[];
  trackFiles: TrackRef[];
  trackProcesses: TrackRef[];
  authentication?: VrrpAuthentication;
  notify: NotifyScripts;
  smtpAlert: boolean;
  /** garp_* per instance; unset = the global vrrp_garp_* value. */
  garpMasterDelayMs?: number;
  garpMasterRepeat?: number;
  garpMasterRefreshMs?: number;
  garpMasterRefreshRepeat?: number;
  garpLowerPrioDelayMs?: number;
  garpLowerPrioRepeat?: number;
  lowerPrioNoAdvert?: boolean;
  higherPrioSendAdvert?: boolean;
  skipCheckAdvAddr?: boolean;
  checkUnicastSrc?: boolean;
  /** use_vmac: true = default name vrrp.<vrid>; a string = that name. */
  /** use_vmac: run on a macvlan with the VRRP virtual MAC; a name and a MAC may be given. */
  useVmac?: { name?: string; mac?: string };
  vmacXmitBase: boolean;
  accept?: boolean;
  strictMode?: boolean;
  dontTrackPrimary: boolean;
  /** down_timer_adverts, default 3. */
  downTimerAdverts: number;
  /** deprecated lvs_sync_daemon_interface on an instance. */
  lvsSyncDaemonInterface?: string;
  loc: SourceLoc;
  extra: ExtraKeywords;
}

export interface VrrpSyncGroup {
  name: string;
  /** Member instance names, in order. */
  group: string[];
  notify: NotifyScripts;
  smtpAlert: boolean;
  trackInterfaces: TrackRef[];
  trackScripts: TrackRef[];
  trackFiles: TrackRef[];
  trackProcesses: TrackRef[];
  loc: SourceLoc;
  extra: ExtraKeywords;
}

// ---------------------------------------------------------------------------------------------
// LVS: virtual_server_group, virtual_server, real_server, checkers

export type LvsProtocol = 'TCP' | 'UDP' | 'SCTP';
export type LbAlgo = 'rr' | 'wrr' | 'lc' | 'wlc' | 'lblc' | 'lblcr' | 'dh' | 'sh' | 'sed' | 'nq' | 'fo' | 'ovf' | 'mh';
export type LbKind = 'NAT' | 'DR' | 'TUN';

/** Tunnel options after `TUN` (keepalived: `type ipip|gue|gre`, `port N` for gue, checksum mode). */
export interface TunnelConfig {
  type: 'ipip' | 'gue' | 'gre';
  port?: number;
  checksum?: 'nocsum' | 'csum' | 'remcsum';
}

export interface VsGroupEntry {
  /** `ADDR[-END] PORT` (range is on the last byte/word) or `fwmark N`. */
  kind: 'ip' | 'fwmark';
  address?: string;
  /** Last value of a range `10.0.0.1-10` (10), absent for a single address. */
  rangeEnd?: number;
  port?: number;
  fwmark?: number;
  family: Family;
  loc: SourceLoc;
}

export interface VirtualServerGroup {
  name: string;
  entries: VsGroupEntry[];
  loc: SourceLoc;
}

export type VirtualServerKey =
  | { kind: 'ip'; address: string; port: number; family: Family }
  | { kind: 'fwmark'; fwmark: number; family: Family }
  | { kind: 'group'; group: string };

export interface CheckerCommon {
  connectIp?: string;
  connectPort?: number;
  bindto?: string;
  bindPort?: number;
  bindIf?: string;
  fwmark?: number;
  /** connect_timeout; unset = real/virtual server's, else 5 s. */
  connectTimeoutMs?: number;
  /** retry (nb_get_retry is the deprecated spelling); unset = type default. */
  retry?: number;
  delayBeforeRetryMs?: number;
  warmupMs?: number;
  delayLoopMs?: number;
  alpha?: boolean;
  loc: SourceLoc;
  extra: ExtraKeywords;
}

export interface HttpUrl {
  path: string;
  digest?: string;
  /** Inclusive ranges; empty = any 2xx (keepalived's default). */
  statusCode: Array<[number, number]>;
  virtualhost?: string;
  /** regex (PCRE2 in keepalived): the body must match it (or, with regexNoMatch, must not). */
  regex?: string;
  regexNoMatch?: boolean;
  /** regex_options: PCRE2 option names (caseless, multiline, dotall, utf, ...). */
  regexOptions?: string[];
  /** regex_min_offset / regex_max_offset: where in the body a match may start (bytes). */
  regexMinOffset?: number;
  regexMaxOffset?: number;
  /** regex_stack START MAX (PCRE2 JIT stack sizes). */
  regexStack?: [number, number];
  loc: SourceLoc;
}

export interface TcpCheck extends CheckerCommon { type: 'TCP_CHECK' }
export interface HttpCheck extends CheckerCommon {
  type: 'HTTP_GET' | 'SSL_GET';
  urls: HttpUrl[];
  virtualhost?: string;
  /** http_protocol: '1.0' (default), '1.0C', '1.1'. */
  httpProtocol?: string;
  enableSni?: boolean;
}
export interface MiscCheck extends CheckerCommon {
  type: 'MISC_CHECK';
  miscPath?: string;
  /** misc_timeout; unset = delay_loop. */
  miscTimeoutMs?: number;
  miscDynamic: boolean;
  user?: ScriptUser;
}
export interface PingCheck extends CheckerCommon { type: 'PING_CHECK' }
export interface UdpCheck extends CheckerCommon {
  type: 'UDP_CHECK';
  /** payload as hex (keepalived writes hex digits). */
  payload?: string;
  requireReply?: string;
  minReplyLength: number;
  maxReplyLength: number;
}
export interface DnsCheck extends CheckerCommon {
  type: 'DNS_CHECK';
  /** type, default SOA. */
  dnsType: string;
  /** name, default ".". */
  name: string;
}
export interface SmtpCheck extends CheckerCommon {
  type: 'SMTP_CHECK';
  /** helo_name, default smtpchecker.keepalived.org. */
  heloName: string;
}

export type Checker = TcpCheck | HttpCheck | MiscCheck | PingCheck | UdpCheck | DnsCheck | SmtpCheck;
export type CheckerType = Checker['type'];

export interface RealServer {
  address: string;
  port: number;
  family: Family;
  /** weight, default 1. */
  weight: number;
  inhibitOnFailure?: boolean;
  notifyUp?: string;
  notifyDown?: string;
  /** Timing keywords set on the real server (inherited by its checkers). */
  delayLoopMs?: number;
  retry?: number;
  delayBeforeRetryMs?: number;
  warmupMs?: number;
  connectTimeoutMs?: number;
  alpha?: boolean;
  lbKind?: LbKind;
  tunnel?: TunnelConfig;
  /** uthreshold / lthreshold: IPVS connection thresholds (ipvsadm -x / -y); absent = none. */
  upperThreshold?: number;
  lowerThreshold?: number;
  checkers: Checker[];
  loc: SourceLoc;
  extra: ExtraKeywords;
}

export interface SorryServer {
  address: string;
  port: number;
  family: Family;
  lbKind?: LbKind;
  tunnel?: TunnelConfig;
  loc: SourceLoc;
}

export interface VirtualServer {
  key: VirtualServerKey;
  /**
   * protocol. Not written: keepalived 2.2.7 warns and uses UDP (so does ka-ts); ignored, with a
   * warning when written, for fwmark services.
   */
  protocol: LvsProtocol;
  /** lb_algo / lvs_sched, default wlc. */
  lbAlgo: LbAlgo;
  /** lb_kind / lvs_method, default NAT. */
  lbKind: LbKind;
  /** Tunnel options given with lb_kind / lvs_method (real servers without their own inherit them). */
  tunnel?: TunnelConfig;
  /** persistence_timeout; undefined = not persistent. */
  persistenceTimeoutS?: number;
  persistenceGranularity?: string;
  /** persistence_engine (ipvsadm --pe), e.g. "sip". */
  persistenceEngine?: string;
  /** delay_loop, default 60 s. */
  delayLoopMs: number;
  quorum: number;
  hysteresis: number;
  quorumUp?: string;
  quorumDown?: string;
  alpha: boolean;
  omega: boolean;
  haSuspend: boolean;
  ops: boolean;
  virtualhost?: string;
  sorryServer?: SorryServer;
  sorryServerInhibit: boolean;
  inhibitOnFailure: boolean;
  retry?: number;
  delayBeforeRetryMs?: number;
  warmupMs?: number;
  connectTimeoutMs?: number;
  /** Scheduler flags (flag-1..3 / sh-port, sh-fallback, mh-port, mh-fallback). */
  schedFlags: string[];
  realServers: RealServer[];
  loc: SourceLoc;
  extra: ExtraKeywords;
}

// ---------------------------------------------------------------------------------------------
// the whole file

export interface KeepalivedConfig {
  /** The top-level file (absolute). */
  file: string;
  globalDefs: GlobalDefs;
  staticIpaddress: VirtualAddress[];
  staticRoutes: VirtualRoute[];
  staticRules: VirtualRule[];
  vrrpScripts: VrrpScript[];
  vrrpTrackFiles: VrrpTrackFile[];
  vrrpTrackProcesses: VrrpTrackProcess[];
  vrrpSyncGroups: VrrpSyncGroup[];
  vrrpInstances: VrrpInstance[];
  virtualServerGroups: VirtualServerGroup[];
  virtualServers: VirtualServer[];
}

export const DEFAULT_CONFIG_FILE = '/etc/keepalived/keepalived.conf';
