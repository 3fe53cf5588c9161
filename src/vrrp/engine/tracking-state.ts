// Binds the engine's tracking inputs (link states, script results, file values, process quorums) to vrrp-core's
// pure rules (src/vrrp/tracking: rise/fall and effective priority / FAULT).
import { computeTracking, type TrackingResult } from '../tracking/effective-priority.js';
import { TrackedScriptState } from '../tracking/script-state.js';
import type { EngineInstanceSpec, ScriptTracking } from './engine-spec.js';

/** One vrrp_script's rise/fall state, keyed by its definition so a changed definition starts afresh. */
export class ScriptState {
  readonly state: TrackedScriptState;
  results = 0;
  constructor(readonly def: ScriptTracking) {
    this.state = new TrackedScriptState(def.name, def.rise, def.fall, def.initFail ? 'failed' : 'init');
  }

  /** Feeds one run's result; true when the status changed. */
  push(ok: boolean): boolean {
    this.results += 1;
    return this.state.report(ok) !== undefined;
  }
}

export function evaluateTracking(
  spec: EngineInstanceSpec,
  linkUp: (ifname: string) => boolean,
  script: (name: string) => ScriptState | undefined,
  fileValue: (name: string) => number,
  processQuorum: (name: string) => boolean = () => false,
): TrackingResult {
  return computeTracking({
    basePriority: spec.vrrp.priority,
    // The instance's own interface is tracked with weight 0 (down = FAULT), as in keepalived,
    // unless dont_track_primary.
    interfaces: [
      ...(spec.dontTrackPrimary ? [] : [{ name: spec.interface, up: linkUp(spec.interface), weight: 0 }]),
      ...spec.trackInterfaces.map((t) => ({ name: t.ifname, up: linkUp(t.ifname), weight: t.weight, ...(t.reverse ? { reverse: true } : {}) })),
    ],
    scripts: spec.trackScripts.map((t) => ({
      name: t.name, status: script(t.name)?.state.status ?? 'init', weight: t.weight, ...(t.reverse ? { reverse: true } : {}),
    })),
    files: (spec.trackFiles ?? []).map((f) => ({ name: f.name, value: fileValue(f.name), weight: f.weight, ...(f.reverse ? { reverse: true } : {}) })),
    processes: (spec.trackProcesses ?? []).map((p) => ({ name: p.name, quorum: processQuorum(p.name), weight: p.weight, ...(p.reverse ? { reverse: true } : {}) })),
  });
}
