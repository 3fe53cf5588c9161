// What the engine runs: per instance the state machine's spec plus what only the runtime needs
// (interface, full VIP forms for `ip`, tracking inputs, notify scripts). The lead maps the config
// model onto this (src/daemon/vrrp-from-config.ts).
import type { VrrpInstanceSpec } from '../fsm/spec.js';
import type { NotifyScripts } from './notify-sink.js';
import type { IpObject, VipEntry } from './ports.js';
import type { ProcessTrackDef } from './process-watcher.js';

export interface TrackedInterface {
  ifname: string;
  /** keepalived: weight 0 (the default) = link down puts the instance in FAULT; >0 added while up, <0 while down. */
  weight: number;
  reverse?: boolean;
}

export interface TrackedScript {
  name: string;
  /** 0 = failing puts the instance in FAULT; >0 added while OK; <0 added while failing (keepalived semantics). */
  weight: number;
  reverse?: boolean;
}

export interface TrackedFileRef {
  /** Name of a vrrp_track_file (EngineConfig.files). */
  name: string;
  /** value × weight is added (≤ −254 = FAULT); weight 0 = a non-zero value is FAULT. */
  weight: number;
  reverse?: boolean;
}

export interface TrackedProcessRef {
  /** Name of a vrrp_track_process (EngineConfig.processes). */
  name: string;
  /** 0 = quorum lost puts the instance in FAULT; >0 added while the quorum holds; <0 while it does not. */
  weight: number;
  reverse?: boolean;
}

export interface EngineInstanceSpec {
  vrrp: VrrpInstanceSpec;
  interface: string;
  /** virtual_ipaddress in full form (these are also vrrp.vips, address part, in the adverts). */
  vips: VipEntry[];
  /** virtual_ipaddress_excluded: taken and released with the VIPs, not advertised. */
  excludedVips: VipEntry[];
  /** virtual_routes / virtual_rules: installed with the VIPs on MASTER, removed on leaving it. */
  routes?: IpObject[];
  rules?: IpObject[];
  /** The instance's own interface is tracked too (link down → FAULT), unless dontTrackPrimary. */
  trackInterfaces: TrackedInterface[];
  /** keepalived `dont_track_primary`: the instance's own interface going down is not a FAULT. */
  dontTrackPrimary?: boolean;
  trackScripts: TrackedScript[];
  /** track_file entries (optional: absent = none). */
  trackFiles?: TrackedFileRef[];
  /** track_process entries (optional: absent = none). */
  trackProcesses?: TrackedProcessRef[];
  notify: NotifyScripts;
}

export interface ScriptTracking {
  name: string;
  /** Consecutive successes to turn OK, failures to turn failed (keepalived rise/fall). */
  rise: number;
  fall: number;
  /** Default weight for instances that track the script without their own. */
  weight: number;
  /** keepalived `init_fail`: the script starts failed instead of "not yet run". */
  initFail?: boolean;
}

/** vrrp_track_file: the engine reads the integer in `path` at start and whenever the file changes. */
export interface TrackFileDef {
  name: string;
  path: string;
}

export interface EngineSyncGroup {
  name: string;
  members: string[];
  notify: NotifyScripts;
}

export interface EngineConfig {
  instances: EngineInstanceSpec[];
  syncGroups: EngineSyncGroup[];
  scripts: ScriptTracking[];
  /** vrrp_track_file definitions (optional: absent = none). */
  files?: TrackFileDef[];
  /** vrrp_track_process definitions (optional: absent = none). */
  processes?: ProcessTrackDef[];
  /** vrrp_garp_interval / vrrp_gna_interval: least time between two GARPs / NAs on an interface (0 = none). */
  garpIntervalMs?: number;
  gnaIntervalMs?: number;
}
