// Keeps the backend's table equal to the desired one.
//  - start(): reads the table and adopts what is there (no flush: restarting ka-ts does not blip
//    traffic); services ka-ts wants are edited in place, foreign services are never touched.
//  - setDesired(): a new desired table (config load/reload, health change) → a pass soon. That
//    pass diffs against the table as ka-ts knows it (the last read plus the changes that
//    succeeded since) and does not read it again: listing a table of thousands of services takes
//    seconds with nft, and a reload that changes one weight should not wait for that.
//  - every driftIntervalMs (reconcileNow()): re-read and repair drift (someone ran ipvsadm -C, a
//    lost change…). A known table only goes stale through such outside changes, which this read
//    finds.
//  - failed changes are logged and counted and retried with backoff, after a fresh read (the
//    table is not what ka-ts thought); a change the backend cannot express (`unsupported`) is
//    logged once and not retried. Nothing here throws into the daemon.
//  - stop(): removes the services ka-ts manages (and sync daemons it started) unless keep (-I).
import type { IpvsBackend } from './backend.js';
import type { Change, ChangeOutcome } from './changes.js';
import { diffTables, withChanges } from './diff.js';
import { ipvsadmLine } from './ipvsadm-format.js';
import { emptyTable, serviceKey, type IpvsTable } from './table.js';

/** The subset of a pino logger the reconciler uses. */
export interface IpvsLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ReconcilerStats {
  passes: number;
  changesApplied: number;
  changesFailed: number;
  changesUnsupported: number;
  readErrors: number;
  /** Full reads of the table (start, drift timer, after a failure, reconcileNow, stop). */
  reads: number;
  /** Changes made to undo drift (the table changed while the desired state did not). */
  driftRepairs: number;
}

export interface ReconcilerOptions {
  backend: IpvsBackend;
  log: IpvsLogger;
  /** -I / --dont-release-ipvs: leave the table in place on stop. */
  keepOnStop?: boolean;
  /**
   * Re-read period for drift repair (default 5000 ms; 0 disables the timer). Never shorter than
   * DRIFT_READ_FACTOR times the last read took, so re-reading a huge table stays a small share of the time.
   */
  driftIntervalMs?: number;
  /** First retry delay after a failed change; doubles up to driftIntervalMs (default 500 ms). */
  retryDelayMs?: number;
  /**
   * keepalived `lvs_flush`: services already in the table that ka-ts does not want are removed at
   * start (the ones it wants are still adopted in place, so they do not blip).
   */
  flushOnStart?: boolean;
  /** keepalived `lvs_flush_onstop full`: stop clears every service, not only ka-ts's own. */
  flushAllOnStop?: boolean;
  /** Called after each pass (metrics, tests). */
  onPass?: (report: PassReport) => void;
}

export interface PassReport {
  changes: Change[];
  outcomes: ChangeOutcome[];
  drift: boolean;
  readError?: string;
}

const MAX_REMEMBERED_UNSUPPORTED = 10_000;
/** The drift timer waits at least this many times as long as the last read took. */
export const DRIFT_READ_FACTOR = 10;

export class IpvsReconciler {
  readonly stats: ReconcilerStats = { passes: 0, changesApplied: 0, changesFailed: 0, changesUnsupported: 0, readErrors: 0, reads: 0, driftRepairs: 0 };
  private desired: IpvsTable = emptyTable();
  /** Service keys ka-ts configured or adopted: the only ones it may delete. */
  private readonly managed = new Set<string>();
  private readonly unsupported = new Set<string>();
  /** The desired table of the last pass that applied everything; a difference while it is unchanged is drift. */
  private lastApplied: IpvsTable | undefined;
  private lastRead: IpvsTable | undefined;
  /** The table as of the last read plus the changes that succeeded since; undefined = read before the next pass. */
  private known: IpvsTable | undefined;
  /** The next pass reads the table even if it is known (drift timer, retry, reconcileNow, stop). */
  private readRequested = false;
  private lastReadMs = 0;
  /**
   * When the last pass that read the table ended (performance.now()): the drift timer counts from
   * there, not from the last pass, or passes that do not read (health changes every second, say)
   * would keep pushing the drift check away. From the end of that pass, not of its read: at start
   * the read finds an empty table and the pass then writes thousands of services.
   */
  private driftFrom = 0;
  private running: Promise<PassReport> | undefined;
  private queued: Promise<PassReport> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private retryDelay: number;
  private stopped = false;
  private started = false;

  constructor(private readonly opts: ReconcilerOptions) {
    this.retryDelay = opts.retryDelayMs ?? 500;
  }

  get backendName(): string {
    return this.opts.backend.name;
  }

  /**
   * For status dumps: the desired table, the table as last read (before that pass's changes; passes
   * that did not read leave it as it was) and the services ka-ts manages.
   */
  snapshot(): { backend: string; desired: IpvsTable; lastRead?: IpvsTable; managed: string[] } {
    return { backend: this.opts.backend.name, desired: this.desired, ...(this.lastRead ? { lastRead: this.lastRead } : {}), managed: this.managedServices() };
  }

  /** Service keys currently managed by ka-ts. */
  managedServices(): string[] {
    return [...this.managed].sort();
  }

  /** Adopts the current table and runs the first pass. Never rejects. */
  async start(desired?: IpvsTable): Promise<PassReport> {
    if (desired) this.setDesiredQuiet(desired);
    this.started = true;
    if (this.opts.flushOnStart) {
      try {
        const existing = await this.timedRead();
        // The first pass works from this read instead of listing the table again.
        this.known = existing;
        for (const k of existing.services.keys()) this.managed.add(k);
        this.opts.log.info({ backend: this.opts.backend.name, existing: existing.services.size }, 'ipvs: lvs_flush: services not in the configuration will be removed');
      } catch {
        // the pass below reports the read error
      }
    }
    this.opts.log.info({ backend: this.opts.backend.name, services: this.desired.services.size }, 'ipvs: adopting the existing table (wanted services are edited in place, never flushed)');
    return this.schedule(false);
  }

  /** Replaces the desired table; resolves with the pass that applied it (never rejects). */
  setDesired(table: IpvsTable): Promise<PassReport> {
    this.setDesiredQuiet(table);
    if (!this.started || this.stopped) return Promise.resolve({ changes: [], outcomes: [], drift: false });
    return this.schedule(false);
  }

  private setDesiredQuiet(table: IpvsTable): void {
    this.desired = table;
    for (const k of table.services.keys()) this.managed.add(k);
  }

  /**
   * A pass that re-reads the table and repairs drift, starting after this call (if one is
   * running, the next one, shared by every caller that asks meanwhile). Never rejects.
   */
  reconcileNow(): Promise<PassReport> {
    return this.schedule(true);
  }

  /** The next pass (see reconcileNow); `read`: it lists the table even if the table is known. */
  private schedule(read: boolean): Promise<PassReport> {
    if (read) this.readRequested = true;
    if (!this.running) {
      this.running = this.runPass();
      return this.running;
    }
    if (!this.queued) {
      this.queued = this.running.then(() => {
        this.queued = undefined;
        this.running = this.runPass();
        return this.running;
      });
    }
    return this.queued;
  }

  private runPass(): Promise<PassReport> {
    return this.pass().finally(() => {
      if (this.queued) return; // the queued pass takes over
      this.running = undefined;
      this.armTimer();
    });
  }

  /** One timer: the retry delay after a pass with failures, else the next drift read (see driftFrom). */
  private armTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped || !this.started) return;
    const drift = this.opts.driftIntervalMs ?? 5000;
    const period = Math.max(drift, DRIFT_READ_FACTOR * this.lastReadMs);
    const ms = this.lastHadFailures ? this.retryDelay : drift > 0 ? Math.max(1, this.driftFrom + period - performance.now()) : 0;
    if (ms <= 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.reconcileNow();
    }, ms);
    this.timer.unref?.();
  }

  private lastHadFailures = false;
  private lastRetryArmed = false;

  /** A pass failed (read or change): retry after retryDelay, doubling up to the drift period (or 30 s). */
  private noteFailure(): void {
    if (this.lastRetryArmed) this.retryDelay = Math.min(this.retryDelay * 2, this.opts.driftIntervalMs || 30_000);
    this.lastRetryArmed = true;
    this.lastHadFailures = true;
  }

  private async timedRead(): Promise<IpvsTable> {
    const t0 = performance.now();
    this.stats.reads++;
    try {
      const t = await this.opts.backend.read();
      this.lastRead = t;
      return t;
    } finally {
      this.driftFrom = performance.now();
      this.lastReadMs = this.driftFrom - t0;
    }
  }

  private async pass(): Promise<PassReport> {
    this.stats.passes++;
    const desired = this.desired;
    const t0 = performance.now();
    const mustRead = this.readRequested || this.known === undefined;
    this.readRequested = false;
    let actual: IpvsTable;
    try {
      actual = mustRead ? await this.timedRead() : this.known as IpvsTable;
    } catch (e) {
      this.known = undefined;
      this.stats.readErrors++;
      const readError = (e as Error).message;
      this.opts.log.error({ backend: this.opts.backend.name, err: readError }, 'ipvs: cannot read the table; keeping the last state, will retry');
      this.noteFailure();
      const report: PassReport = { changes: [], outcomes: [], drift: false, readError };
      this.opts.onPass?.(report);
      return report;
    }
    const readMs = performance.now() - t0;
    const changes = diffTables(desired, actual, this.managed).filter((c) => !this.unsupported.has(signature(c)));
    // Nothing new was asked for since the last complete pass, yet the table differs: drift.
    const drift = mustRead && changes.length > 0 && !this.lastHadFailures && this.lastApplied !== undefined
      && diffTables(desired, this.lastApplied, new Set(this.lastApplied.services.keys())).length === 0;
    if (drift) {
      this.stats.driftRepairs += changes.length;
      this.opts.log.warn({ backend: this.opts.backend.name, changes: changes.map(ipvsadmLine) }, 'ipvs: table drifted from the desired state; repairing');
    }
    let outcomes: ChangeOutcome[] = [];
    const t1 = performance.now();
    if (changes.length > 0) {
      try {
        outcomes = (await this.opts.backend.apply(changes)).outcomes;
      } catch (e) {
        outcomes = changes.map((change) => ({ change, status: 'failed', error: (e as Error).message }));
      }
    }
    const applyMs = performance.now() - t1;
    if (mustRead) this.driftFrom = performance.now();
    let failed = 0;
    for (const o of outcomes) {
      const line = ipvsadmLine(o.change);
      if (o.status === 'ok') {
        this.stats.changesApplied++;
        this.opts.log.info({ backend: this.opts.backend.name, change: line }, `ipvs: ${line}`);
        if (o.change.op === 'delete-service' && !desired.services.has(serviceKey(o.change.service.id))) this.managed.delete(serviceKey(o.change.service.id));
      } else if (o.status === 'unsupported') {
        this.stats.changesUnsupported++;
        if (this.unsupported.size >= MAX_REMEMBERED_UNSUPPORTED) this.unsupported.clear();
        this.unsupported.add(signature(o.change));
        this.opts.log.error({ backend: this.opts.backend.name, change: line, err: o.error }, `ipvs: ${line}: not supported by the ${this.opts.backend.name} backend (${o.error ?? 'no reason given'}); not retried`);
      } else {
        failed++;
        this.stats.changesFailed++;
        this.opts.log.warn({ backend: this.opts.backend.name, change: line, err: o.error }, `ipvs: ${line}: failed (${o.error ?? 'no reason given'}); will retry`);
      }
    }
    // Services that left the desired state and are gone from the table are no longer ours.
    for (const k of [...this.managed]) if (!desired.services.has(k) && !actual.services.has(k)) this.managed.delete(k);
    // What the table is now, without listing it: what was there plus what succeeded. After a
    // failure it is not known (a change may have half-happened, or the table was not as thought).
    this.known = failed > 0 ? undefined : withChanges(actual, outcomes.filter((o) => o.status === 'ok').map((o) => o.change));
    if (changes.length > 0) {
      const how = mustRead ? `read the table in ${readMs.toFixed(0)} ms` : 'table known from the last pass, not re-read';
      this.opts.log.info({ backend: this.opts.backend.name, changes: changes.length, failed, readMs: mustRead ? Math.round(readMs) : null, applyMs: Math.round(applyMs) },
        `ipvs: pass: ${changes.length} change(s), ${failed} failed; ${how}; applied in ${applyMs.toFixed(0)} ms`);
    }
    this.lastHadFailures = failed > 0;
    if (failed > 0) {
      this.noteFailure();
    } else {
      this.lastRetryArmed = false;
      this.retryDelay = this.opts.retryDelayMs ?? 500;
      this.lastApplied = desired;
    }
    const report: PassReport = { changes, outcomes, drift };
    this.opts.onPass?.(report);
    return report;
  }

  /** Stops the timers; removes the managed services (and started sync daemons) unless keepOnStop. Never rejects. */
  async stop(): Promise<PassReport | undefined> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queued ?? this.running) await (this.queued ?? this.running);
    if (this.opts.keepOnStop) {
      this.opts.log.info({ backend: this.opts.backend.name, services: this.managed.size }, 'ipvs: leaving the table in place (--dont-release-ipvs)');
      return undefined;
    }
    // Remove what is there, not what ka-ts last knew: stopping is rare, and a delete of something
    // already gone would fail.
    this.readRequested = true;
    // Desired = nothing of ours: the diff deletes exactly the managed services.
    if (this.opts.flushAllOnStop) {
      try {
        const existing = await this.timedRead();
        for (const k of existing.services.keys()) this.managed.add(k);
        this.known = existing;
        this.readRequested = false;
      } catch {
        // the pass below reads again and reports the error
      }
    }
    const release: IpvsTable = emptyTable();
    if (this.desired.syncDaemons) release.syncDaemons = [];
    this.desired = release;
    const report = await this.pass();
    this.opts.log.info({ backend: this.opts.backend.name, removed: report.outcomes.filter((o) => o.status === 'ok').length }, 'ipvs: released the table');
    return report;
  }
}

function signature(c: Change): string {
  return JSON.stringify(c, (k, v: unknown) => (k === 'previous' ? undefined : v));
}
