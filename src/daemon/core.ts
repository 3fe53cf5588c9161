// The parent's behaviour once running: answering control requests, reloading, writing
// keepalived's dump files, serving metrics, relaying child events and stopping in order.
import type { DaemonOptions } from '../cli/flags.js';
import type { Logger } from './logger.js';
import type { DaemonPaths } from './paths.js';
import type { Supervisor } from './supervisor.js';
import type { ChildOptions } from './child-options.js';
import type { ControlRequest } from './control-protocol.js';
import { loadConfig } from '../config/load.js';
import type { KeepalivedConfig } from '../config/model.js';
import { notifySystemd } from './systemd-notify.js';
import { logModelNotes } from './model-notes.js';
import { childModulePath } from './child-modules.js';
import { emptySnapshot, type DaemonSnapshot, type ReloadRecord } from '../ops/snapshot.js';
import { version } from '../cli/version.js';
import type { DumpKind } from '../ops/dumps.js';
import { DumpResponder } from '../ops/dumps/dump-responder.js';
import { startMetricsServer, type MetricsServer } from '../ops/metrics-server.js';

export interface CoreDeps {
  opts: DaemonOptions;
  log: Logger;
  supervisor: Supervisor;
  childOptions: ChildOptions;
  paths: DaemonPaths;
  model: KeepalivedConfig;
}

/**
 * The part of the model a child uses: the VRRP child never looks at virtual servers and the
 * checker child never at VRRP instances, so neither pays to receive (structured clone over the
 * IPC channel) what can be megabytes on a big director.
 */
export function modelFor(child: string, m: KeepalivedConfig): KeepalivedConfig {
  if (child === 'vrrp') return { ...m, virtualServers: [], virtualServerGroups: [] };
  return { ...m, vrrpInstances: [], vrrpSyncGroups: [], vrrpScripts: [], vrrpTrackFiles: [], vrrpTrackProcesses: [] };
}

export class DaemonCore {
  stopping = false;
  controlCounters: { requests: number; badRequests: number; failedRequests: number } = { requests: 0, badRequests: 0, failedRequests: 0 };
  readonly reloads: { total: number; failed: number; last?: ReloadRecord } = { total: 0, failed: 0 };
  private readonly startedAtMs = Date.now();
  private metrics: MetricsServer | undefined;
  private reloading: Promise<unknown> | undefined;
  private model: KeepalivedConfig;

  /** Answers dump signals at once from the last snapshot, then again from a fresh one: the
   *  exporters read the file a few ms after signalling, faster than a round of child RPCs. */
  private readonly dumps: DumpResponder;

  constructor(private readonly d: CoreDeps) {
    this.model = d.model;
    this.dumps = new DumpResponder({
      snapshot: () => this.snapshot(),
      onWritten: (_kind, file, fresh) => { if (fresh) d.log.info(`wrote ${file}`); },
      onError: (kind, err) => d.log.error(`cannot write the ${kind} dump: ${(err as Error).message}`),
    });
  }

  hasVrrp(m: KeepalivedConfig): boolean {
    return m.vrrpInstances.length > 0;
  }

  hasCheckers(m: KeepalivedConfig): boolean {
    return m.virtualServers.length > 0;
  }

  /** A (re)started child gets the configuration in force, never the file as it is now. */
  initChild(name: string): void {
    this.d.supervisor.rpc(name)?.request('init', { model: modelFor(name, this.model) }, 60_000).catch((err: Error) => {
      this.d.log.error(`${name} child did not take its configuration: ${err.message}`);
    });
  }

  onChildEvent(name: string, event: string, data: unknown): void {
    if (event === 'process-error' || event === 'pidfile-error') {
      this.d.log.error({ child: name, event }, `${name} child: ${String(data)}`);
      return;
    }
    if (name === 'vrrp' && event === 'ready') notifySystemd('READY=1', this.d.log);
    // The checkers need to know which VIPs this director is MASTER for (ha_suspend).
    if (name === 'vrrp' && event === 'vrrp-state') {
      this.d.supervisor.rpc('checkers')?.notify('vrrp-state', data);
      // Keep the cached snapshot behind the dump signals current after a transition.
      void this.snapshot().catch(() => undefined);
    }
    if (name === 'checkers' && event === 'ready') this.d.supervisor.rpc('vrrp')?.request('resend-state', {}).catch(() => undefined);
  }

  /** One consistent view of the whole daemon, gathered from the children. */
  async snapshot(): Promise<DaemonSnapshot> {
    const snap = emptySnapshot({
      version: version(),
      startedAtMs: this.startedAtMs,
      configFile: this.d.opts.useFile,
      ...(this.model.globalDefs.routerId !== undefined ? { routerId: this.model.globalDefs.routerId } : {}),
      children: Object.fromEntries(this.d.supervisor.names().map((n) => [n, { pid: this.d.supervisor.pid(n) ?? null, restarts: this.d.supervisor.restarts.get(n) ?? 0 }])),
      reloads: { ...this.reloads },
    });
    const parts = await Promise.allSettled(this.d.supervisor.names().map(async (n) => [n, await this.d.supervisor.rpc(n)?.request('snapshot')] as const));
    for (const p of parts) {
      if (p.status === 'fulfilled' && p.value[1]) Object.assign(snap, p.value[1]);
      else if (p.status === 'rejected') this.d.log.warn(`snapshot: ${(p.reason as Error).message}`);
    }
    this.dumps.remember(snap);
    return snap;
  }

  async control(req: ControlRequest): Promise<unknown> {
    switch (req.cmd) {
      case 'status': case 'stats':
        return await this.snapshot();
      case 'reload':
        return await this.reload('control socket');
      case 'demote': case 'restore': {
        const vrrp = this.d.supervisor.rpc('vrrp');
        if (!vrrp) throw new Error('no VRRP process is running');
        return await vrrp.request(req.cmd, req);
      }
    }
  }

  /**
   * Parses the new configuration first; an invalid one is logged and the running state is kept
   * untouched. A valid one is handed to each child, which applies only the difference.
   */
  async reload(reason: string): Promise<{ result: 'ok' | 'rejected' | 'failed'; diagnostics: unknown[] }> {
    if (this.stopping) return { result: 'rejected', diagnostics: [] };
    while (this.reloading) await this.reloading.catch(() => undefined);
    const run = this.doReload(reason);
    this.reloading = run;
    try {
      return await run;
    } finally {
      this.reloading = undefined;
    }
  }

  private async doReload(reason: string): Promise<{ result: 'ok' | 'rejected' | 'failed'; diagnostics: unknown[] }> {
    const { log, opts, supervisor } = this.d;
    const atMs = Date.now();
    const started = performance.now();
    const next = await loadConfig(opts.useFile, { configId: opts.configId });
    const parsedMs = performance.now() - started;
    const childMs: Record<string, number> = {};
    if (!next.model || next.exitCode === 2 || next.exitCode === 4) {
      this.reloads.total++;
      this.reloads.failed++;
      this.reloads.last = { atMs, ok: false, durationMs: performance.now() - started, message: `${opts.useFile} is invalid (config test exit code ${next.exitCode}); running configuration kept` };
      log.error({ reason, diagnostics: next.diagnostics }, `reload (${reason}) rejected: ${opts.useFile} is invalid; keeping the running configuration`);
      return { result: 'rejected', diagnostics: next.diagnostics };
    }
    logModelNotes(next.model, opts.ipvsBackend, log);
    const previous = this.model;
    this.model = next.model;
    try {
      // Both children apply the new model at once (VRRP must not wait for a big IPVS update).
      await Promise.all((['vrrp', 'checkers'] as const).map(async (name) => {
        const wanted = name === 'vrrp' ? !opts.checkOnly && (opts.all || this.hasVrrp(next.model as KeepalivedConfig)) : !opts.vrrpOnly && (opts.all || this.hasCheckers(next.model as KeepalivedConfig));
        const rpc = supervisor.rpc(name);
        // The children get the model this parse produced (structured clone over the IPC
        // channel), so a big configuration is parsed once per reload, not once per process.
        const t0 = performance.now();
        if (rpc && wanted) {
          await rpc.request('reload', { model: modelFor(name, next.model as KeepalivedConfig) }, 60_000);
          childMs[name] = Math.round(performance.now() - t0);
        }
        else if (rpc && !wanted) await supervisor.retire(name);
        else if (!rpc && wanted) {
          supervisor.start({
            name,
            modulePath: childModulePath(name),
            options: this.d.childOptions,
            pidFile: name === 'vrrp' ? this.d.paths.vrrpPidFile : this.d.paths.checkersPidFile,
          });
        }
      }));
    } catch (err) {
      // A child could not apply it (or died meanwhile): counted and logged; the daemon runs on.
      // The parent keeps the new model as the one in force: a respawned child starts from it.
      this.reloads.total++;
      this.reloads.failed++;
      const message = `reload (${reason}) failed in a child: ${(err as Error).message}`;
      this.reloads.last = { atMs, ok: false, durationMs: performance.now() - started, message };
      log.error({ reason, previousFile: previous.file }, message);
      return { result: 'failed', diagnostics: next.diagnostics };
    }
    this.reloads.total++;
    this.reloads.last = { atMs, ok: true, durationMs: performance.now() - started, message: 'applied' };
    const ms = Math.round(performance.now() - started);
    const parts = [`parse ${Math.round(parsedMs)} ms`, ...Object.entries(childMs).map(([n, v]) => `${n} ${v} ms`)].join(', ');
    log.info({ reason, ms, parseMs: Math.round(parsedMs), childMs }, `reload (${reason}) applied in ${ms} ms (${parts})`);
    return { result: 'ok', diagnostics: next.diagnostics };
  }

  async dump(kind: DumpKind): Promise<void> {
    await this.dumps.respond(kind);
  }

  /** STATS_CLEAR: the VRRP counters (what keepalived clears; checker counters are kept). */
  async clearStats(): Promise<void> {
    const vrrp = this.d.supervisor.rpc('vrrp');
    if (!vrrp) {
      this.d.log.warn('STATS_CLEAR: no VRRP process is running');
      return;
    }
    await vrrp.request('clear-stats');
    this.d.log.info('VRRP statistics cleared');
  }

  async startMetrics(host: string, port: number): Promise<void> {
    this.metrics = await startMetricsServer({ host, port, snapshot: () => this.snapshot(), onError: (err) => this.d.log.warn(`metrics: ${(err as Error).message}`) });
  }

  /** keepalived's order: VRRP first (priority 0, VIPs released), then checkers (IPVS cleanup). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.d.supervisor.stop(['vrrp', 'checkers']);
    await this.metrics?.close();
  }
}
