// Turns the raw tracking inputs the engine sees (link up/down, script exit results) into the
// machine's `trackingChanged` event: fault or an effective priority, with keepalived's rules —
// rise/fall hysteresis on script results (initially OK), weight 0 = FAULT while failing, a positive
// weight added while OK, a negative one added while failing, the sum clamped to 1..254, and an
// address owner (255) keeping 255.
import type { ScriptTracking, EngineInstanceSpec } from './engine-spec.js';

export class ScriptState {
  ok = true;
  private streak = 0;
  private lastOk = true;
  results = 0;

  constructor(readonly def: ScriptTracking) {}

  /** Feeds one run's result; returns true when the script's state flipped. */
  push(ok: boolean): boolean {
    this.results += 1;
    if (ok === this.lastOk) this.streak += 1;
    else { this.lastOk = ok; this.streak = 1; }
    const need = ok ? this.def.rise : this.def.fall;
    if (ok !== this.ok && this.streak >= need) {
      this.ok = ok;
      return true;
    }
    return false;
  }
}

export interface TrackingVerdict {
  fault: boolean;
  priority: number;
  /** Why the instance is in FAULT (for status and logs). */
  reasons: string[];
}

export function evaluateTracking(
  spec: EngineInstanceSpec,
  linkUp: (ifname: string) => boolean,
  script: (name: string) => ScriptState | undefined,
): TrackingVerdict {
  const base = spec.vrrp.priority;
  const reasons: string[] = [];
  let delta = 0;
  if (!linkUp(spec.interface)) reasons.push(`interface ${spec.interface} down`);
  for (const t of spec.trackInterfaces) {
    const up = linkUp(t.ifname);
    if (t.weight === 0) { if (!up) reasons.push(`tracked interface ${t.ifname} down`); }
    else if (t.weight > 0 && up) delta += t.weight;
    else if (t.weight < 0 && !up) delta += t.weight;
  }
  for (const t of spec.trackScripts) {
    const s = script(t.name);
    const ok = s ? s.ok : true;
    if (t.weight === 0) { if (!ok) reasons.push(`track_script ${t.name} failing`); }
    else if (t.weight > 0 && ok) delta += t.weight;
    else if (t.weight < 0 && !ok) delta += t.weight;
  }
  const priority = base === 255 ? 255 : Math.min(254, Math.max(1, base + delta));
  return { fault: reasons.length > 0, priority, reasons };
}
