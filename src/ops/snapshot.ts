/**
 * The daemon-wide status snapshot: one plain, JSON-serialisable value that the daemon fills
 * from the VRRP engine and the checkers, and that every operational output reads:
 * the keepalived-format dumps (/tmp/keepalived.data, .stats, .json), `ka-ts ctl status|stats`,
 * and the Prometheus metrics (collected on scrape).
 *
 * Why a snapshot rather than live objects: the dumps and metrics run in another process
 * (or after a signal) and must never reach into engine state; a plain value crosses the
 * control socket and the child RPC unchanged, and tests can build one by hand.
 */

/** VRRP instance states as keepalived numbers them (vrrp.h: VRRP_STATE_INIT = 0 ...). */
export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT';

/** keepalived's numeric codes, also the value of keepalived_vrrp_state. */
export const VRRP_STATE_CODE: Readonly<Record<VrrpState, number>> = {
  INIT: 0,
  BACKUP: 1,
  MASTER: 2,
  FAULT: 3,
};

/** A wall-clock instant (ms since the Unix epoch) with the reason the event happened. */
export interface TransitionRecord {
  /** Wall time in milliseconds since the epoch (display only; never used for timers). */
  readonly atMs: number;
  /** Absent when only the time of the last change is known (no tracker saw it happen). */
  readonly from?: VrrpState;
  readonly to: VrrpState;
  /** Human-readable cause, e.g. "master down timer expired", "higher priority advert from 10.0.0.2"; absent when the engine did not say. */
  readonly reason?: string;
}

/**
 * Per-instance VRRP counters. The first block mirrors keepalived's vrrp_stats
 * (vrrp.h struct vrrp_stats) and the exporters' metric names; `drops` carries every other
 * drop reason the decoder or engine distinguishes, keyed by its reason code.
 */
export interface VrrpInstanceCounters {
  advertRcvd: number;
  advertSent: number;
  becomeMaster: number;
  releaseMaster: number;
  packetLenErr: number;
  advertIntervalErr: number;
  ipTtlErr: number;
  invalidTypeRcvd: number;
  addrListErr: number;
  invalidAuthtype: number;
  authtypeMismatch: number;
  authFailure: number;
  priZeroRcvd: number;
  priZeroSent: number;
  /** Every other drop reason (checksum, version, vrid mismatch, wrong interface, ...), by code. */
  drops: Readonly<Record<string, number>>;
}

export type TrackedKind = 'interface' | 'script' | 'file' | 'process' | 'bfd';

/** One tracked object as seen from one instance. */
export interface TrackedObjectStatus {
  readonly kind: TrackedKind;
  readonly name: string;
  /** true when the object is up / the script succeeds / the file's value is non-faulting; absent when not known. */
  readonly up?: boolean;
  /** Configured weight (0 = a failure means FAULT). */
  readonly weight: number;
  /** Weight currently applied to the effective priority (0 when up or weight 0). */
  readonly appliedDelta?: number;
}

/** One virtual address as installed (or to be installed) by an instance. */
export interface VipSnapshot {
  readonly address: string;
  readonly prefixLen: number;
  readonly dev: string;
  /** 'global' unless configured otherwise. */
  readonly scope?: string;
  readonly label?: string;
  readonly brd?: string;
}

/** Gratuitous ARP / unsolicited NA settings in effect for an instance (seconds as keepalived prints). */
export interface GarpSettings {
  readonly delayS: number;
  readonly repeat: number;
  readonly refreshS: number;
  readonly refreshRepeat: number;
  readonly lowerPrioDelayS: number;
  readonly lowerPrioRepeat: number;
}

/** Notify scripts of an instance or sync group, as configured (command lines). */
export interface NotifyScripts {
  readonly notify?: string;
  readonly master?: string;
  readonly backup?: string;
  readonly fault?: string;
  readonly stop?: string;
  /** uid:gid the scripts run as, when resolved. */
  readonly uid?: number;
  readonly gid?: number;
}

export interface VrrpInstanceSnapshot {
  readonly name: string;
  readonly interface: string;
  readonly vrid: number;
  /** 2 or 3. */
  readonly version: number;
  readonly family: 'inet' | 'inet6';
  readonly state: VrrpState;
  /** The state the configuration asked for at start (`state MASTER|BACKUP`). */
  readonly wantedState: VrrpState;
  readonly basePriority: number;
  readonly effectivePriority: number;
  /** Advert interval in milliseconds (configured). */
  readonly advertIntMs: number;
  /** Address of the current master as last heard (own primary address when MASTER). */
  readonly masterAddress?: string;
  /** Priority carried by the last advert from the current master. */
  readonly masterPriority?: number;
  /** Our primary (source) address on the interface. */
  readonly primaryAddress?: string;
  readonly lastTransition?: TransitionRecord;
  /** Transitions into each state since start, when a tracker counted them. */
  readonly transitions?: Readonly<Partial<Record<VrrpState, number>>>;
  readonly vips: readonly VipSnapshot[];
  readonly excludedVips: readonly VipSnapshot[];
  /** Whether the VIPs are currently installed on this host. */
  readonly vipsSet: boolean;
  readonly unicastPeers: readonly string[];
  readonly nopreempt: boolean;
  readonly preemptDelayMs: number;
  /** keepalived's dont_track_primary, skip_check_adv_addr and strict mode as they apply. */
  readonly dontTrackPrimary?: boolean;
  readonly skipCheckAdvAddr?: boolean;
  readonly strictMode?: boolean;
  readonly authType?: 'PASS' | 'AH';
  /** `accept` mode (keepalived: enabled unless vrrp_strict without accept). */
  readonly accept?: boolean;
  readonly garp?: GarpSettings;
  /** down_timer_adverts (default 3). */
  readonly downTimerAdverts?: number;
  /** Current master-down interval in milliseconds, when the engine computes one. */
  readonly masterDownIntervalMs?: number;
  readonly notify?: NotifyScripts;
  readonly tracked: readonly TrackedObjectStatus[];
  readonly syncGroup?: string;
  readonly counters: VrrpInstanceCounters;
}

export interface SyncGroupSnapshot {
  readonly name: string;
  readonly state: VrrpState;
  readonly members: readonly string[];
  readonly notify?: NotifyScripts;
}

/** vrrp_script status: keepalived reports GOOD/BAD plus the rise/fall progress. */
export interface VrrpScriptSnapshot {
  readonly name: string;
  readonly command: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly weight: number;
  readonly rise: number;
  readonly fall: number;
  readonly user?: string;
  /** 'GOOD' / 'BAD' as keepalived's data dump, 'INIT' before the first result. */
  readonly result: 'INIT' | 'GOOD' | 'BAD';
  readonly lastExitCode?: number;
  readonly lastRunAtMs?: number;
  /** A run is in progress right now (keepalived's State = running / idle). */
  readonly running?: boolean;
  readonly uid?: number;
  readonly gid?: number;
  /** Instances tracking this script, with the weight each applies. */
  readonly trackedBy?: readonly { readonly instance: string; readonly weight: number }[];
}

export type CheckOutcome = 'up' | 'down' | 'unknown';

/** One checker attached to one real server. */
export interface CheckerSnapshot {
  /** Checker kind as in the config: HTTP_GET, SSL_GET, TCP_CHECK, MISC_CHECK, DNS_CHECK, ... */
  readonly type: string;
  /** "ip:port" the checker connects to (may differ from the real server via connect_ip/port). */
  readonly target: string;
  readonly result: CheckOutcome;
  readonly lastCheckAtMs?: number;
  readonly lastLatencyMs?: number;
  /** Why the last check failed (timeout, connection refused, status 500, digest mismatch...). */
  readonly lastError?: string;
  readonly checksRun: number;
  readonly checksFailed: number;
}

export interface RealServerSnapshot {
  readonly address: string;
  readonly port: number;
  /** Configured weight. */
  readonly weight: number;
  /** Weight currently in the IPVS table (0 when inhibited). */
  readonly currentWeight: number;
  /** Healthy per the checkers (all checkers must be up, as keepalived). */
  readonly alive: boolean;
  /** Present in the IPVS table (alive, or inhibit_on_failure with weight 0). */
  readonly inTable: boolean;
  /** Forwarding method: NAT, DR (route), TUN. */
  readonly forwarding: 'NAT' | 'DR' | 'TUN';
  readonly checkers: readonly CheckerSnapshot[];
}

export interface VirtualServerSnapshot {
  /** "ip:port", "fwmark N" or "group NAME" as keepalived prints it. */
  readonly key: string;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly address?: string;
  readonly port?: number;
  readonly fwmark?: number;
  readonly group?: string;
  readonly scheduler: string;
  readonly persistenceTimeoutS?: number;
  readonly quorum: number;
  /** Whether quorum is currently met (sum of weights of alive servers >= quorum). */
  readonly quorumUp: boolean;
  readonly sorryServer?: string;
  readonly sorryServerActive: boolean;
  readonly realServers: readonly RealServerSnapshot[];
}

export interface ReloadRecord {
  readonly atMs: number;
  readonly ok: boolean;
  readonly durationMs: number;
  /** Diagnostics or summary ("2 virtual servers added"). */
  readonly message: string;
}

/** A supervised child process (vrrp, checkers) as the parent sees it. */
export interface ChildProcessStatus {
  readonly pid: number | null;
  readonly restarts: number;
}

export interface DaemonSnapshot {
  /** When the snapshot was taken, wall time ms. */
  readonly takenAtMs: number;
  readonly version: string;
  readonly pid: number;
  readonly startedAtMs: number;
  readonly configFile: string;
  readonly routerId?: string;
  readonly instances: readonly VrrpInstanceSnapshot[];
  readonly syncGroups: readonly SyncGroupSnapshot[];
  readonly scripts: readonly VrrpScriptSnapshot[];
  readonly virtualServers: readonly VirtualServerSnapshot[];
  readonly reloads: {
    readonly total: number;
    readonly failed: number;
    readonly last?: ReloadRecord;
  };
  /** The parent's children by name, when the snapshot comes from the supervisor. */
  readonly children?: Readonly<Record<string, ChildProcessStatus>>;
}

/** A snapshot under construction: the daemon assigns the parts its children return. */
export type MutableDaemonSnapshot = { -readonly [K in keyof DaemonSnapshot]: DaemonSnapshot[K] };

/**
 * A snapshot with no instances, scripts or virtual servers, stamped now: the daemon starts from
 * this and merges what each child reports (`Object.assign(snap, vrrpPart, checkerPart)`).
 */
export function emptySnapshot(init: Partial<DaemonSnapshot> = {}): MutableDaemonSnapshot {
  const now = Date.now();
  return {
    takenAtMs: now,
    version: '',
    pid: process.pid,
    startedAtMs: now,
    configFile: '',
    instances: [],
    syncGroups: [],
    scripts: [],
    virtualServers: [],
    reloads: { total: 0, failed: 0 },
    ...init,
  };
}

/** Fresh, all-zero counters (engines start from this). */
export function emptyCounters(): VrrpInstanceCounters {
  return {
    advertRcvd: 0,
    advertSent: 0,
    becomeMaster: 0,
    releaseMaster: 0,
    packetLenErr: 0,
    advertIntervalErr: 0,
    ipTtlErr: 0,
    invalidTypeRcvd: 0,
    addrListErr: 0,
    invalidAuthtype: 0,
    authtypeMismatch: 0,
    authFailure: 0,
    priZeroRcvd: 0,
    priZeroSent: 0,
    drops: {},
  };
}
