// CheckerService: owns the virtual servers' health state machines, schedules every checker on
// the CheckScheduler (bootstrap delay + random warmup for the first run, then delay_loop or
// delay_before_retry from the state machine, ±jitter), runs the probes and emits HealthEvents.
// update() keeps the state of unchanged real servers and checkers (reload without flaps).

import { EventEmitter } from 'node:events';
import type { HealthEvent, PoolView } from './events.js';
import type { CheckerSpec, VirtualServerSpec } from './spec.js';
import type { ProbeResult } from './result.js';
import { startProbe, type ProbeDone } from './probe.js';
import { failResult } from './result.js';
import { CheckScheduler, type SchedulerSlot, type SchedulerStats } from './scheduler.js';
import { systemClock, systemTimers, type MonotonicClock, type TimerApi } from './clock.js';
import { VirtualServerHealth, type CheckerEntry, type RealServerEntry } from './fsm/vs-health.js';
import { closePingSessions } from './probes/ping.js';
import { killRunningScripts } from './probes/misc.js';

export interface CheckerServiceOptions {
  /** Probes in flight at most (default 256). */
  maxConcurrent?: number;
  /** Checks due within this many ms of a wake-up start with it (default 4; see CheckScheduler). */
  coalesceMs?: number;
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
  /** Results whose handling threw (a bug, reported through the 'internal-error' event). */
  internalErrors: number;
  scheduler: SchedulerStats;
}

const jobId = (vs: string, rs: string, key: string): string => `${vs}\u0000${rs}\u0000${key}`;

/**
 * One checker of one real server as the scheduler runs it: direct references to its virtual
 * server, real server and checker state (no lookups per run), its counters, and the scheduler's
 * own fields. A reload keeps the job of an unchanged checker, so its history survives.
 * A class with every field set in the constructor, times as doubles from the start: thousands of
 * jobs then share one hidden class, which keeps the scheduler's property loads monomorphic.
 */
class CheckJob implements SchedulerSlot {
  slot = -1;
  due = Number.NaN;
  running = false;
  waiting = false;
  dueWhileRunning = Number.NaN;
  /** Removed by a reload or stop: a probe still under way is ignored when it ends. */
  cancelled = false;
  runs = 0;
  failures = 0;
  retrying = false;
  /** Monotonic and wall-clock ms of the last completed probe (NaN before the first). */
  lastMono = Number.NaN;
  lastWallMs = Number.NaN;
  last: ProbeResult | undefined = undefined;
  /** Made once per job so a run allocates no closure. */
  readonly done: ProbeDone;

  constructor(
    readonly id: string,
    readonly vs: VirtualServerHealth,
    readonly rs: RealServerEntry,
    readonly ck: CheckerEntry,
    onDone: (job: CheckJob, result: ProbeResult) => void,
  ) {
    this.done = (result) => onDone(this, result);
  }
}

export class CheckerService extends EventEmitter {
  private readonly vss = new Map<string, VirtualServerHealth>();
  private readonly jobs = new Map<string, CheckJob>();
  private readonly vipPresent = new Map<string, boolean>();
  private readonly scheduler: CheckScheduler<CheckJob>;
  private readonly clock: MonotonicClock;
  private readonly random: () => number;
  private readonly bootstrapMs: number;
  private readonly jitter: number;
  private readonly startProbe: (spec: CheckerSpec['probe'], configuredWeight: number, done: ProbeDone) => void;
  private running = false;
  private readonly rsInitNotifies: boolean;
  private readonly count = { probes: 0, probesOk: 0, probesFailed: 0, skippedSuspended: 0, events: 0, internalErrors: 0 };

  constructor(private specs: VirtualServerSpec[], opts: CheckerServiceOptions = {}) {
    super();
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.bootstrapMs = opts.bootstrapDelayMs ?? 1000;
    this.jitter = opts.jitterFraction ?? 0.01;
    const scripted = opts.probe;
    this.startProbe = scripted
      ? (spec, weight, done) => { scripted(spec, weight).then(done, (err: unknown) => done(failResult(0, `internal probe error: ${String(err)}`))); }
      : startProbe;
    this.rsInitNotifies = opts.rsInitNotifies ?? false;
    this.scheduler = new CheckScheduler(this.clock, opts.timers ?? systemTimers, opts.maxConcurrent ?? 256, (job) => this.runJob(job), opts.coalesceMs ?? 4);
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
    for (const rs of vs.servers.values()) for (const ck of rs.checkers.values()) this.addJob(vs, rs, ck);
  }

  private addJob(vs: VirtualServerHealth, rs: RealServerEntry, ck: CheckerEntry): void {
    const job = new CheckJob(jobId(vs.id, rs.id, ck.key), vs, rs, ck, this.onProbeDone);
    this.jobs.set(job.id, job);
    // keepalived: BOOTSTRAP_DELAY + warmup × random(), so checks of many servers spread out.
    this.scheduler.schedule(job, this.bootstrapMs + ck.spec.timing.warmupMs * this.random());
  }

  private dropJob(job: CheckJob): void {
    job.cancelled = true;
    this.jobs.delete(job.id);
    this.scheduler.cancel(job);
  }

  private runJob(job: CheckJob): void {
    if (job.vs.spec.haSuspend && !this.vipPresent.get(job.vs.id)) {
      // ha_suspend: the VIP is not ours, so the checker idles (state unchanged) like keepalived's.
      this.count.skippedSuspended += 1;
      this.scheduler.schedule(job, job.ck.spec.timing.delayLoopMs);
      this.scheduler.finished(job);
      return;
    }
    this.startProbe(job.ck.spec.probe, job.rs.spec.weight, job.done);
  }

  private readonly onProbeDone = (job: CheckJob, result: ProbeResult): void => {
    try {
      if (this.running && !job.cancelled) this.applyResult(job, result); // else stopped or reloaded away meanwhile
    } catch (err) {
      // A listener that throws must not stop the other checks (the native prober delivers many
      // results in one call) nor take the checker process down: counted and reported.
      this.count.internalErrors += 1;
      this.emit('internal-error', err, job.id.replaceAll('\u0000', ' '));
    } finally {
      this.scheduler.finished(job);
    }
  };

  private applyResult(job: CheckJob, result: ProbeResult): void {
    this.count.probes += 1;
    if (result.ok) this.count.probesOk += 1; else this.count.probesFailed += 1;
    job.runs += 1;
    if (!result.ok) job.failures += 1;
    job.last = result;
    job.lastMono = this.clock.now();
    job.lastWallMs = Date.now(); // formatted only when status() is asked for
    const out = job.vs.onCheckerResult(job.rs, job.ck, result);
    job.retrying = out.retrying;
    // Rescheduled before the events go out, so a listener that throws cannot stop this checker.
    const delay = out.retrying ? out.delayMs : out.delayMs * (1 + this.jitter * (2 * this.random() - 1));
    this.scheduler.schedule(job, delay);
    if (out.events.length) this.emitAll(out.events);
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
    // Reconcile jobs with the checkers that now exist: a job is kept only while the very
    // state objects it points at are still the live ones.
    const live = new Set<CheckJob>();
    const added: Array<[VirtualServerHealth, RealServerEntry, CheckerEntry]> = [];
    for (const vs of this.vss.values()) {
      for (const rs of vs.servers.values()) {
        for (const ck of rs.checkers.values()) {
          const job = this.jobs.get(jobId(vs.id, rs.id, ck.key));
          if (job && job.vs === vs && job.rs === rs && job.ck === ck) live.add(job);
          else added.push([vs, rs, ck]);
        }
      }
    }
    for (const job of [...this.jobs.values()]) if (!live.has(job)) this.dropJob(job);
    for (const [vs, rs, ck] of added) this.addJob(vs, rs, ck);
  }

  /** Stops every checker; returns (and emits) the shutdown events — omega notifications included. */
  stop(): HealthEvent[] {
    if (!this.running) return [];
    const events: HealthEvent[] = [];
    for (const vs of this.vss.values()) events.push(...vs.shutdown());
    this.emitAll(events);
    this.running = false;
    this.scheduler.stop();
    // The jobs stay (status() still reports their history); a probe under way is ignored.
    for (const job of this.jobs.values()) job.cancelled = true;
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
            const st = this.jobs.get(jobId(vs.id, rs.id, ck.key));
            const p = ck.spec.probe;
            const target = p.type === 'MISC_CHECK' ? p.path : `${p.connect.host}:${p.connect.port}`;
            const s: CheckerStatus = { type: p.type, target, up: ck.run.isUp, retrying: st?.retrying ?? false, runs: st?.runs ?? 0, failures: st?.failures ?? 0 };
            if (st && !Number.isNaN(st.lastMono)) s.lastCheckMono = st.lastMono;
            if (st && !Number.isNaN(st.lastWallMs)) s.lastCheckAt = new Date(st.lastWallMs).toISOString();
            if (st?.last) { s.lastResult = { ok: st.last.ok, reason: st.last.reason }; s.latencyMs = st.last.latencyMs; }
            return s;
          }),
        })),
      };
    });
  }

  counters(): CheckerCounters {
    return { ...this.count, scheduler: this.scheduler.stats };
  }
}
