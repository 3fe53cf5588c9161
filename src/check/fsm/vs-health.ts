// Health of one virtual server: its real servers (alive when every checker passes), their
// weights, the quorum with hysteresis and the sorry server — keepalived's ipwrapper.c
// (perform_svr_state, update_svr_checker_state, update_quorum_state, clear_service_rs).
// Pure: probe results in, HealthEvents and the desired pool out.

import type { HealthEvent, PoolDestination, PoolView } from '../events.js';
import type { CheckerSpec, RealServerSpec, VirtualServerSpec } from '../spec.js';
import { realServerId } from '../spec.js';
import { initialCheckerState, stepChecker, type CheckerRunState } from './checker-fsm.js';

export interface CheckerEntry {
  key: string;
  spec: CheckerSpec;
  run: CheckerRunState;
}

export interface RealServerEntry {
  id: string;
  spec: RealServerSpec;
  alive: boolean;
  /** Current weight: the configured one, or what misc_dynamic last set. */
  weight: number;
  /** Keys of the checkers currently failing (keepalived's failed_checkers). */
  failed: Set<string>;
  checkers: Map<string, CheckerEntry>;
}

/** Identity of a checker across reloads: its full probe + timing spec, numbered among equals. */
export function checkerKeys(checkers: CheckerSpec[]): string[] {
  const seen = new Map<string, number>();
  return checkers.map((c) => {
    const base = JSON.stringify(c, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return `${n}:${base}`;
  });
}

export class VirtualServerHealth {
  spec: VirtualServerSpec;
  readonly servers = new Map<string, RealServerEntry>();
  /** Settled by start(); see there. */
  quorumUp = true;
  sorryAlive = false;
  /** Set during a reload so quorum is judged once on the final set, not on intermediate ones. */
  private deferQuorum = false;

  /** rsInitNotifies: keepalived's global `rs_init_notifies` (notify_up for servers alive at start). */
  constructor(spec: VirtualServerSpec, private readonly rsInitNotifies = false) {
    this.spec = spec;
  }

  get id(): string { return this.spec.id; }

  /**
   * Builds the real servers (alpha ones start down) and settles the initial quorum as keepalived
   * does: set_quorum_states() judges the quorum before any server is alive (so it starts down for
   * any quorum > 0), then init_service_vs() adds the live servers and update_quorum_state(init)
   * reports "Gained quorum" (quorum_up runs) — or, still short, puts the sorry server in.
   */
  start(): HealthEvent[] {
    const events: HealthEvent[] = [];
    this.quorumUp = 0 >= this.spec.quorum + this.spec.hysteresis;
    this.deferQuorum = true;
    for (const rs of this.spec.realServers) events.push(...this.addServer(rs, this.rsInitNotifies));
    this.deferQuorum = false;
    this.updateQuorum(events, true);
    return events;
  }

  private addServer(rs: RealServerSpec, notify = true): HealthEvent[] {
    const entry: RealServerEntry = { id: realServerId(rs), spec: rs, alive: false, weight: rs.weight, failed: new Set(), checkers: new Map() };
    const keys = checkerKeys(rs.checkers);
    rs.checkers.forEach((c, i) => {
      const key = keys[i]!;
      entry.checkers.set(key, { key, spec: c, run: initialCheckerState(c.timing.alpha, c.timing.retry) });
      if (c.timing.alpha) entry.failed.add(key);
    });
    this.servers.set(entry.id, entry);
    const events: HealthEvent[] = [];
    if (entry.failed.size === 0) this.setAlive(entry, true, 'start', events, notify);
    return events;
  }

  /** Applies one probe result; returns the events and the delay before this checker runs again. */
  onResult(rsId: string, checkerKey: string, result: { ok: boolean; reason: string; weight?: number }): { events: HealthEvent[]; delayMs: number; retrying: boolean } {
    const rs = this.servers.get(rsId);
    const ck = rs?.checkers.get(checkerKey);
    if (!rs || !ck) return { events: [], delayMs: 0, retrying: false };
    return this.onCheckerResult(rs, ck, result);
  }

  /** onResult for a real server and checker the caller already holds (the checker service's path). */
  onCheckerResult(rs: RealServerEntry, ck: CheckerEntry, result: { ok: boolean; reason: string; weight?: number }): { events: HealthEvent[]; delayMs: number; retrying: boolean } {
    const checkerKey = ck.key;
    const step = stepChecker(ck.run, result, ck.spec.timing);
    ck.run = step.state;
    const events: HealthEvent[] = [];
    if (step.weight !== undefined) this.setWeight(rs, step.weight, events);
    if (step.transition === 'up') {
      // Up only when no other checker of this server is failing (keepalived: all must pass).
      const othersFailing = rs.failed.size > (rs.failed.has(checkerKey) ? 1 : 0);
      rs.failed.delete(checkerKey);
      if (!othersFailing) this.setAlive(rs, true, result.reason, events);
    } else if (step.transition === 'down') {
      if (rs.failed.size === 0) this.setAlive(rs, false, result.reason, events);
      rs.failed.add(checkerKey);
    }
    return { events, delayMs: step.delayMs, retrying: step.retrying };
  }

  private setWeight(rs: RealServerEntry, weight: number, events: HealthEvent[]): void {
    if (weight === rs.weight) return;
    events.push({ kind: 'rs-weight', vs: this.id, rs: rs.id, weight, previous: rs.weight });
    rs.weight = weight;
    this.updateQuorum(events, false);
  }

  private setAlive(rs: RealServerEntry, alive: boolean, reason: string, events: HealthEvent[], notify = true): void {
    if (rs.alive === alive) return;
    rs.alive = alive;
    if (alive) {
      events.push({ kind: 'rs-up', vs: this.id, rs: rs.id, weight: rs.weight });
      if (rs.spec.notifyUp && notify) events.push({ kind: 'notify', vs: this.id, rs: rs.id, reason: 'rs-up', script: rs.spec.notifyUp });
    } else {
      events.push({ kind: 'rs-down', vs: this.id, rs: rs.id, inhibit: rs.spec.inhibitOnFailure, reason });
      if (rs.spec.notifyDown) events.push({ kind: 'notify', vs: this.id, rs: rs.id, reason: 'rs-down', script: rs.spec.notifyDown });
    }
    this.updateQuorum(events, false);
  }

  liveWeight(): number {
    let sum = 0;
    for (const rs of this.servers.values()) if (rs.alive) sum += rs.weight;
    return sum;
  }

  /** keepalived update_quorum_state: gain at quorum+hysteresis, lose below quorum-hysteresis or at 0. */
  private updateQuorum(events: HealthEvent[], init: boolean): void {
    if (this.deferQuorum) return;
    const sum = this.liveWeight();
    const threshold = this.spec.quorum + (this.quorumUp ? -1 : 1) * this.spec.hysteresis;
    const sorry = this.spec.sorryServer;
    if (!this.quorumUp && sum >= threshold) {
      this.quorumUp = true;
      events.push({ kind: 'quorum-gained', vs: this.id, weightSum: sum, threshold });
      if (sorry && this.sorryAlive) {
        this.sorryAlive = false;
        events.push({ kind: 'sorry-server-out', vs: this.id, rs: realServerId(sorry), inhibit: sorry.inhibit });
      }
      if (this.spec.quorumUp) events.push({ kind: 'notify', vs: this.id, reason: 'quorum-up', script: this.spec.quorumUp });
    } else if ((this.quorumUp && (sum === 0 || sum < threshold)) || (init && !this.quorumUp && sorry && !this.sorryAlive)) {
      // Lost quorum — or starting short of it with a sorry server to put in ("Starting with quorum down").
      this.quorumUp = false;
      events.push({ kind: 'quorum-lost', vs: this.id, weightSum: sum, threshold });
      if (this.spec.quorumDown) events.push({ kind: 'notify', vs: this.id, reason: 'quorum-down', script: this.spec.quorumDown });
      if (sorry && !this.sorryAlive) {
        this.sorryAlive = true;
        events.push({ kind: 'sorry-server-in', vs: this.id, rs: realServerId(sorry), inhibit: sorry.inhibit });
      }
    }
  }

  /** What IPVS should hold for this virtual server now. */
  pool(): PoolView {
    const destinations: PoolDestination[] = [];
    const sorry = this.spec.sorryServer;
    const sorryActive = !!sorry && this.sorryAlive;
    for (const rs of this.servers.values()) {
      const inPool = rs.alive && (this.quorumUp || !sorryActive);
      if (inPool) destinations.push({ address: rs.spec.address, port: rs.spec.port, weight: rs.weight, role: 'real' });
      else if (rs.spec.inhibitOnFailure) destinations.push({ address: rs.spec.address, port: rs.spec.port, weight: 0, role: 'real' });
    }
    if (sorry && sorryActive) destinations.push({ address: sorry.address, port: sorry.port, weight: sorry.weight, role: 'sorry' });
    else if (sorry?.inhibit) destinations.push({ address: sorry.address, port: sorry.port, weight: 0, role: 'sorry' });
    return { vs: this.id, quorumUp: this.quorumUp, destinations };
  }

  /**
   * Reload: keeps the state of real servers and checkers that did not change, adds new ones as
   * at start, drops removed ones (rs-removed), and re-settles aliveness, weights and quorum.
   */
  update(next: VirtualServerSpec): HealthEvent[] {
    const events: HealthEvent[] = [];
    this.spec = next;
    this.deferQuorum = true;
    const wanted = new Map(next.realServers.map((rs) => [realServerId(rs), rs]));
    for (const [id, rs] of this.servers) {
      if (wanted.has(id)) continue;
      this.servers.delete(id);
      events.push({ kind: 'rs-removed', vs: this.id, rs: id });
      rs.alive = false;
    }
    for (const [id, rsSpec] of wanted) {
      const cur = this.servers.get(id);
      if (!cur) { events.push(...this.addServer(rsSpec)); continue; }
      const configuredWeightChanged = cur.spec.weight !== rsSpec.weight;
      cur.spec = rsSpec;
      const keys = checkerKeys(rsSpec.checkers);
      const kept = new Map<string, CheckerEntry>();
      rsSpec.checkers.forEach((c, i) => {
        const key = keys[i]!;
        const old = cur.checkers.get(key);
        kept.set(key, old ?? { key, spec: c, run: initialCheckerState(c.timing.alpha, c.timing.retry) });
        if (!old && c.timing.alpha) cur.failed.add(key);
      });
      for (const k of [...cur.failed]) if (!kept.has(k)) cur.failed.delete(k);
      cur.checkers = kept;
      if (configuredWeightChanged) this.setWeight(cur, rsSpec.weight, events);
      this.setAlive(cur, cur.failed.size === 0, 'reload', events);
    }
    // Quorum settings may have changed too (keepalived re-evaluates quorum on reload).
    this.deferQuorum = false;
    this.updateQuorum(events, false);
    return events;
  }

  /**
   * Shutdown or removal of the virtual server. Every real server leaves; with omega the
   * notify_down scripts run and quorum_down runs when the pool empties (no sorry server is pushed).
   */
  shutdown(): HealthEvent[] {
    const events: HealthEvent[] = [];
    for (const rs of this.servers.values()) {
      const wasAlive = rs.alive;
      rs.alive = false;
      events.push({ kind: 'rs-removed', vs: this.id, rs: rs.id });
      if (!this.spec.omega || !wasAlive) continue;
      if (rs.spec.notifyDown) events.push({ kind: 'notify', vs: this.id, rs: rs.id, reason: 'rs-down', script: rs.spec.notifyDown });
      const sum = this.liveWeight();
      const down = this.spec.quorum - this.spec.hysteresis;
      if (this.quorumUp && (sum === 0 || sum < down)) {
        this.quorumUp = false;
        events.push({ kind: 'quorum-lost', vs: this.id, weightSum: sum, threshold: down });
        if (this.spec.quorumDown) events.push({ kind: 'notify', vs: this.id, reason: 'quorum-down', script: this.spec.quorumDown });
      }
    }
    return events;
  }
}
