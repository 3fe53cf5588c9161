// CheckerService: owns the virtual servers' health state machines, schedules every checker on
// the CheckScheduler (bootstrap delay + random warmup for the first run, then delay_loop or
// delay_before_retry from the state machine, ±jitter), runs the probes and emits HealthEvents.
// update() keeps the state of unchanged real servers and checkers (reload without flaps).

import { EventEmitter } from 'node:events';
import type { HealthEvent, PoolView } from './events.js';
import type { CheckerSpec, VirtualServerSpec } from './spec.js';
import type { ProbeResult } from './result.js';
import { runProbe } from './probe.js';
import { CheckScheduler, type SchedulerStats } from './scheduler.js';
import { systemClock, systemTimers, type MonotonicClock, type TimerApi } from './clock.js';
import { VirtualServerHealth } from './fsm/vs-health.js';
import { closePingSessions } from './probes/ping.js';
import { killRunningScripts } from './probes/misc.js';

export interface CheckerServiceOptions {
  /** Probes in flight at most (default 256). */
  maxConcurrent?: number;
  /** keepalived's BOOTSTRAP_DELAY before the first checks: 1 s. */
  bootstrapDelayMs?: number;
  /** ± fraction of delay_loop added at random to each rescheduling so checks never fall into lockstep. */
  jitterFraction?: number;
  clock?: MonotonicClock;
  timers?: TimerApi;
  random?: () => number;
  /** keepalived's global rs_init_notifies: run notify_up for servers that are alive at start. */
  rsInitNotifies?: boolean;
  /** Probe runner; the real one by default (unit tests on a fake clock pass a scripted one). */
  probe?: (spec: CheckerSpec['probe'], configuredWeight: number) => Promise<ProbeResult>;
}

export interface CheckerStatus {
  type: string;
  target: string;
  up: boolean;
  retrying: boolean;
  runs: number;
  failures: number;
  /** Monotonic ms of the last completed probe (undefined before the first). */
  lastCheckMono?: number;
  lastCheckAt?: string;
  lastResult?: { ok: boolean; reason: string };
  latencyMs?: number;
}

export interface RealServerStatus {
  vs: string;
  rs: string;
  alive: boolean;
  weight: number;
  inPool: boolean;
  checkers: CheckerStatus[];
}

export interface VirtualServerStatus {
  vs: string;
  quorumUp: boolean;
  liveWeight: number;
  sorryServerActive: boolean;
  suspended: boolean;
  realServers: RealServerStatus[];
}

export interface CheckerCounters {
  probes: number;
  probesOk: number;
  probesFailed: number;
  skippedSuspended: number;
  events: number;
  scheduler: SchedulerStats;
}

interface JobRef { vs: string; rs: string; key: string }
interface CheckerStats { runs: number; failures: number; retrying: boolean; lastMono?: number; lastWallMs?: number; last?: ProbeResult }

const jobId = (vs: string, rs: string, key: string): string => `${vs}\u0000${rs}\u0000${key}`;

export class CheckerService extends EventEmitter {
  private readonly vss = new Map<string, VirtualServerHealth>();
  private readonly jobs = new Map<string, JobRef>();
  private readonly stats = new Map<string, CheckerStats>();
  private readonly vipPresent = new Map<string, boolean>();
  private readonly scheduler: CheckScheduler;
  private readonly clock: MonotonicClock;
  private readonly random: () => number;
  private readonly bootstrapMs: number;
  private readonly jitter: number;
  private readonly probe: NonNullable<CheckerServiceOptions['probe']>;
  private running = false;
  private readonly rsInitNotifies: boolean;
  private readonly count = { probes: 0, probesOk: 0, probesFailed: 0, skippedSuspended: 0, events: 0 };

  constructor(private specs: VirtualServerSpec[], opts: CheckerServiceOptions = {}) {
    super();
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.bootstrapMs = opts.bootstrapDelayMs ?? 1000;
    this.jitter = opts.jitterFraction ?? 0.01;
    this.probe = opts.probe ?? runProbe;
    this.rsInitNotifies = opts.rsInitNotifies ?? false;
    this.scheduler = new CheckScheduler(this.clock, opts.timers ?? systemTimers, opts.maxConcurrent ?? 256, (id) => this.runJob(id));
  }

  /** Builds the state machines, emits the start-up events (alpha, initial quorum) and schedules every checker. */
  start(): void {
    if (this.running) return;
    this.running = true;
    for (const spec of this.specs) this.addVs(spec);
  }

  private addVs(spec: VirtualServerSpec): void {
    const vs = new VirtualServerHealth(spec, this.rsInitNotifies);
    this.vss.set(spec.id, vs);
    this.emitAll(vs.start());
    for (const rs of vs.servers.values()) for (const ck of rs.checkers.values()) this.addJob(spec.id, rs.id, ck.key, ck.spec);
  }

  private addJob(vs: string, rs: string, key: string, spec: CheckerSpec): void {
    const id = jobId(vs, rs, key);
    this.jobs.set(id, { vs, rs, key });
    this.stats.set(id, { runs: 0, failures: 0, retrying: false });
    // keepalived: BOOTSTRAP_DELAY + warmup × random(), so checks of many servers spread out.
    this.scheduler.schedule(id, this.bootstrapMs + spec.timing.warmupMs * this.random());
  }

  private async runJob(id: string): Promise<void> {
    const ref = this.jobs.get(id);
    const vs = ref && this.vss.get(ref.vs);
    const rs = ref && vs?.servers.get(ref.rs);
    const ck = ref && rs?.checkers.get(ref.key);
    if (!ref || !vs || !rs || !ck) return;
    if (vs.spec.haSuspend && !this.vipPresent.get(vs.id)) {
      // ha_suspend: the VIP is not ours, so the checker idles (state unchanged) like keepalived's.
      this.count.skippedSuspended += 1;
      this.scheduler.schedule(id, ck.spec.timing.delayLoopMs);
      return;
    }
    const result = await this.probe(ck.spec.probe, rs.spec.weight);
    if (!this.running || this.jobs.get(id) !== ref) return; // stopped or reloaded away meanwhile
    this.count.probes += 1;
    if (result.ok) this.count.probesOk += 1; else this.count.probesFailed += 1;
    const st = this.stats.get(id)!;
    st.runs += 1;
    if (!result.ok) st.failures += 1;
    st.last = result;
    st.lastMono = this.clock.now();
    st.lastWallMs = Date.now(); // formatted only when status() is asked for
    const out = vs.onResult(ref.rs, ref.key, result);
    st.retrying = out.retrying;
    this.emitAll(out.events);
    const delay = out.retrying ? out.delayMs : out.delayMs * (1 + this.jitter * (2 * this.random() - 1));
    this.scheduler.schedule(id, delay);
  }

  /** Emits each event ('event'), then the new PoolView of every virtual server they touched ('pool'). */
  private emitAll(events: HealthEvent[]): void {
    const touched = new Set<string>();
    for (const e of events) {
      this.count.events += 1;
      touched.add(e.vs);
      this.emit('event', e);
    }
    for (const id of touched) {
      const vs = this.vss.get(id);
      if (vs) this.emit('pool', vs.pool());
    }
  }

  /** ha_suspend input: whether this director currently holds the virtual server's VIP. */
  setVipPresent(vsId: string, present: boolean): void {
    this.vipPresent.set(vsId, present);
  }

  /**
   * ha_suspend input as keepalived takes it (netlink address events): the addresses configured on
   * this host now. A virtual server's checks run while any of its vipAddresses is among them.
   */
  setLocalAddresses(addresses: Iterable<string>): void {
    const local = new Set([...addresses].map((a) => a.toLowerCase()));
    for (const spec of this.specs) {
      if (!spec.vipAddresses) continue;
      this.vipPresent.set(spec.id, spec.vipAddresses.some((a) => local.has(a.toLowerCase())));
    }
  }

  /**
   * Reload: unchanged virtual servers, real servers and checkers keep their state and schedule;
   * new checkers start as at start-up; removed ones stop (rs-removed events).
   */
  update(next: VirtualServerSpec[]): void {
    this.specs = next;
    if (!this.running) return;
    const wanted = new Map(next.map((s) => [s.id, s]));
    for (const [id, vs] of this.vss) {
      if (wanted.has(id)) continue;
      this.emitAll(vs.shutdown());
      this.vss.delete(id);
    }
    for (const [id, spec] of wanted) {
      const vs = this.vss.get(id);
      if (!vs) { this.addVs(spec); continue; }
      this.emitAll(vs.update(spec));
    }
    // Reconcile jobs with the checkers that now exist.
    const live = new Set<string>();
    for (const vs of this.vss.values()) {
      for (const rs of vs.servers.values()) {
        for (const ck of rs.checkers.values()) {
          const id = jobId(vs.id, rs.id, ck.key);
          live.add(id);
          if (!this.jobs.has(id)) this.addJob(vs.id, rs.id, ck.key, ck.spec);
        }
      }
    }
    for (const id of [...this.jobs.keys()]) {
      if (live.has(id)) continue;
      this.jobs.delete(id);
      this.stats.delete(id);
      this.scheduler.cancel(id);
    }
  }

  /** Stops every checker; returns (and emits) the shutdown events — omega notifications included. */
  stop(): HealthEvent[] {
    if (!this.running) return [];
    const events: HealthEvent[] = [];
    for (const vs of this.vss.values()) events.push(...vs.shutdown());
    this.emitAll(events);
    this.running = false;
    this.scheduler.stop();
    this.jobs.clear();
    closePingSessions();
    // Only this service runs MISC_CHECK scripts in the checker process: end the ones still running.
    killRunningScripts();
    return events;
  }

  pool(): PoolView[] {
    return [...this.vss.values()].map((vs) => vs.pool());
  }

  status(): VirtualServerStatus[] {
    return [...this.vss.values()].map((vs) => {
      const pool = vs.pool();
      const inPool = new Set(pool.destinations.filter((d) => d.role === 'real' && d.weight > 0).map((d) => `${d.address}|${d.port}`));
      return {
        vs: vs.id,
        quorumUp: vs.quorumUp,
        liveWeight: vs.liveWeight(),
        sorryServerActive: vs.sorryAlive,
        suspended: vs.spec.haSuspend && !this.vipPresent.get(vs.id),
        realServers: [...vs.servers.values()].map((rs) => ({
          vs: vs.id,
          rs: rs.id,
          alive: rs.alive,
          weight: rs.weight,
          inPool: inPool.has(`${rs.spec.address}|${rs.spec.port}`),
          checkers: [...rs.checkers.values()].map((ck) => {
            const st = this.stats.get(jobId(vs.id, rs.id, ck.key));
            const p = ck.spec.probe;
            const target = p.type === 'MISC_CHECK' ? p.path : `${p.connect.host}:${p.connect.port}`;
            const s: CheckerStatus = { type: p.type, target, up: ck.run.isUp, retrying: st?.retrying ?? false, runs: st?.runs ?? 0, failures: st?.failures ?? 0 };
            if (st?.lastMono !== undefined) s.lastCheckMono = st.lastMono;
            if (st?.lastWallMs !== undefined) s.lastCheckAt = new Date(st.lastWallMs).toISOString();
            if (st?.last) { s.lastResult = { ok: st.last.ok, reason: st.last.reason }; s.latencyMs = st.last.latencyMs; }
            return s;
          }),
        })),
      };
    });
  }

  counters(): CheckerCounters {
    return { ...this.count, scheduler: { ...this.scheduler.stats } };
  }
}
