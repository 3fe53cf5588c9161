// Effective priority and fault state of an instance from what it tracks, by keepalived's rules
// (vrrp_track.c: initialise_*_tracking_priorities, process_script_update_priority,
// vrrp_set_effective_priority):
//  - weight 0 on an interface / script / file / process: the object failing puts the instance in FAULT
//    ("reverse" inverts what failing means);
//  - a positive weight is added while the object is up/OK, a negative weight while it is down/failed
//    (× −1 with "reverse");
//  - track_file: value × weight (× −1 reverse); a result ≤ −254 means FAULT, otherwise it is added,
//    capped at 253; with weight 0 a non-zero value means FAULT;
//  - the sum is clamped to 1..254; an address owner (255) keeps 255 whatever is tracked.
import type { ScriptStatus } from './script-state.js';

export interface TrackedInterface {
  name: string;
  up: boolean;
  /** 0 = FAULT when down; −254..254 otherwise. */
  weight: number;
  reverse?: boolean;
}

export interface TrackedScript {
  name: string;
  status: ScriptStatus;
  weight: number;
  reverse?: boolean;
}

export interface TrackedFile {
  name: string;
  /** The integer read from the file (keepalived reads it with strtol; unreadable = 0). */
  value: number;
  weight: number;
  reverse?: boolean;
}

export interface TrackedProcess {
  name: string;
  /** The vrrp_track_process quorum holds (enough matching processes, not too many). */
  quorum: boolean;
  weight: number;
  reverse?: boolean;
}

export interface TrackingInputs {
  basePriority: number;
  interfaces?: TrackedInterface[];
  scripts?: TrackedScript[];
  files?: TrackedFile[];
  processes?: TrackedProcess[];
}

export interface TrackingResult {
  fault: boolean;
  /** Effective priority: 255 for the address owner, else clamped to 1..254. */
  priority: number;
  /** What puts the instance in FAULT (for logs and status), empty when not faulty. */
  faultReasons: string[];
  /**
   * Weight-0 scripts that have not reported yet. keepalived keeps the instance in INIT until they
   * do; ka-ts reports them as a fault so the instance cannot become MASTER meanwhile.
   */
  pendingScripts: string[];
}

export function computeTracking(inp: TrackingInputs): TrackingResult {
  let total = inp.basePriority;
  const faultReasons: string[] = [];
  const pendingScripts: string[] = [];
  for (const i of inp.interfaces ?? []) {
    const m = i.reverse ? -1 : 1;
    if (i.weight === 0) {
      if (i.up === !!i.reverse) faultReasons.push(`interface ${i.name} ${i.up ? 'up (reverse)' : 'down'}`);
    } else if (i.up) {
      if (i.weight > 0) total += i.weight * m;
    } else if (i.weight < 0) total += i.weight * m;
  }
  for (const s of inp.scripts ?? []) {
    const m = s.reverse ? -1 : 1;
    if (s.weight === 0) {
      if (s.status === 'init') pendingScripts.push(s.name);
      else if ((s.status === 'ok') === !!s.reverse) faultReasons.push(`script ${s.name} ${s.status}${s.reverse ? ' (reverse)' : ''}`);
    } else if (s.status === 'ok') {
      if (s.weight > 0) total += s.weight * m;
    } else if (s.status === 'failed') {
      if (s.weight < 0) total += s.weight * m;
    }
  }
  for (const f of inp.files ?? []) {
    const m = f.reverse ? -1 : 1;
    const status = f.weight === 0 ? ((f.value !== 0) === !f.reverse ? -254 : 0) : f.value * f.weight * m;
    if (status <= -254) faultReasons.push(`file ${f.name} value ${f.value}`);
    else total += Math.min(status, 253);
  }
  // vrrp_track.c process_update_track_process_status: as an interface, with quorum for "up".
  for (const p of inp.processes ?? []) {
    const m = p.reverse ? -1 : 1;
    if (p.weight === 0) {
      if (p.quorum === !!p.reverse) faultReasons.push(`tracked process ${p.name} ${p.quorum ? 'quorum achieved (reverse)' : 'quorum not achieved'}`);
    } else if (p.quorum) {
      if (p.weight > 0) total += p.weight * m;
    } else if (p.weight < 0) total += p.weight * m;
  }
  for (const p of pendingScripts) faultReasons.push(`script ${p} not yet run`);
  const priority = inp.basePriority === 255 ? 255 : Math.min(254, Math.max(1, total));
  return { fault: faultReasons.length > 0, priority, faultReasons, pendingScripts };
}
