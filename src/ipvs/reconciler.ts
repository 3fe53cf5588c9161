// Keeps the backend's table equal to the desired one.
//  - start(): reads the table and adopts what is there (no flush: restarting ka-ts does not blip
//    traffic); services ka-ts wants are edited in place, foreign services are never touched.
//  - setDesired(): a new desired table (config load/reload, health change) → a pass soon.
//  - every driftIntervalMs: re-read and repair drift (someone ran ipvsadm -C, a lost change…).
//  - failed changes are logged and counted and retried with backoff; a change the backend cannot
//    express (`unsupported`) is logged once and not retried. Nothing here throws into the daemon.
//  - stop(): removes the services ka-ts manages (and sync daemons it started) unless keep (-I).
import type { IpvsBackend } from './backend.js';
import type { Change, ChangeOutcome } from './changes.js';
import { diffTables } from './diff.js';
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
  /** Changes made to undo drift (the table changed while the desired state did not). */
  driftRepairs: number;
}

export interface ReconcilerOptions {
  backend: IpvsBackend;
  log: IpvsLogger;
  /** -I / --dont-release-ipvs: leave the table in place on stop. */
  keepOnStop?: boolean;
  /** Re-read period for drift repair (default 5000 ms; 0 disables the timer). */
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

export class IpvsReconciler {
  readonly stats: ReconcilerStats = { passes: 0, changesApplied: 0, changesFailed: 0, changesUnsupported: 0, readErrors: 0, driftRepairs: 0 };
  private desired: IpvsTable = emptyTable();
  /** Service keys ka-ts configured or adopted: the only ones it may delete. */
  private readonly managed = new Set<string>();
  private readonly unsupported = new Set<string>();
  /** The desired table of the last pass that applied everything; a difference while it is unchanged is drift. */
  private lastApplied: IpvsTable | undefined;
  private lastRead: IpvsTable | undefined;
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
   * For status dumps: the desired table, the table as last read (before that pass's changes) and
   * the services ka-ts manages.
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
        const existing = await this.opts.backend.read();
        for (const k of existing.services.keys()) this.managed.add(k);
        this.opts.log.info({ backend: this.opts.backend.name, existing: existing.services.size }, 'ipvs: lvs_flush: services not in the configuration will be removed');
      } catch {
        // the pass below reports the read error
      }
    }
    this.opts.log.info({ backend: this.opts.backend.name, services: this.desired.services.size }, 'ipvs: adopting the existing table (wanted services are edited in place, never flushed)');
    return this.reconcileNow();
  }

  /** Replaces the desired table; resolves with the pass that applied it (never rejects). */
  setDesired(table: IpvsTable): Promise<PassReport> {
    this.setDesiredQuiet(table);
    if (!this.started || this.stopped) return Promise.resolve({ changes: [], outcomes: [], drift: false });
    return this.reconcileNow();
  }

  private setDesiredQuiet(table: IpvsTable): void {
    this.desired = table;
    for (const k of table.services.keys()) this.managed.add(k);
  }

  /**
   * A pass that starts after this call (if one is running, the next one, shared by every caller
   * that asks meanwhile). Never rejects.
   */
  reconcileNow(): Promise<PassReport> {
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

  /** One timer: the retry delay after a pass with failures, else the drift period. */
  private armTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped || !this.started) return;
    const drift = this.opts.driftIntervalMs ?? 5000;
    const ms = this.lastHadFailures ? this.retryDelay : drift;
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

  private async pass(): Promise<PassReport> {
    this.stats.passes++;
    const desired = this.desired;
    let actual: IpvsTable;
    try {
      actual = await this.opts.backend.read();
    } catch (e) {
      this.stats.readErrors++;
      const readError = (e as Error).message;
      this.opts.log.error({ backend: this.opts.backend.name, err: readError }, 'ipvs: cannot read the table; keeping the last state, will retry');
      this.noteFailure();
      const report: PassReport = { changes: [], outcomes: [], drift: false, readError };
      this.opts.onPass?.(report);
      return report;
    }
    this.lastRead = actual;
    const changes = diffTables(desired, actual, this.managed).filter((c) => !this.unsupported.has(signature(c)));
    // Nothing new was asked for since the last complete pass, yet the table differs: drift.
    const drift = changes.length > 0 && !this.lastHadFailures && this.lastApplied !== undefined
      && diffTables(desired, this.lastApplied, new Set(this.lastApplied.services.keys())).length === 0;
    if (drift) {
      this.stats.driftRepairs += changes.length;
      this.opts.log.warn({ backend: this.opts.backend.name, changes: changes.map(ipvsadmLine) }, 'ipvs: table drifted from the desired state; repairing');
    }
    let outcomes: ChangeOutcome[] = [];
    if (changes.length > 0) {
      try {
        outcomes = (await this.opts.backend.apply(changes)).outcomes;
      } catch (e) {
        outcomes = changes.map((change) => ({ change, status: 'failed', error: (e as Error).message }));
      }
    }
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
    // Desired = nothing of ours: the diff deletes exactly the managed services.
    if (this.opts.flushAllOnStop) {
      try {
        for (const k of (await this.opts.backend.read()).services.keys()) this.managed.add(k);
      } catch {
        // the pass below reports the read error
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
