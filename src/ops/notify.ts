import type { NotifyEvent, NotifySink } from '../vrrp/engine/notify-sink.js';
import { splitScriptLine } from '../vrrp/engine/notify-sink.js';
import { fifoLine, type FifoEventState, type NotifyFifo } from './notify-fifo.js';
import { runScript, type ScriptResult } from './run-script.js';
import { checkScriptSecurity, type ScriptSecurityVerdict } from './script-security.js';
import type { ScriptIdentity } from './script-user.js';

/**
 * The notify-script runner for VRRP instances and sync groups (issue 3 item 5). For each state
 * change, in keepalived's order (vrrp_notify.c send_instance_notifies / send_group_notifies):
 *  1. the state's own script (`notify_master` / `_backup` / `_fault` / `_stop`), no arguments;
 *  2. the generic `notify` script with `INSTANCE|GROUP name STATE priority` (priority 0 for a group);
 *  3. the `notify_fifo` line, written at once.
 * Better than keepalived: every instance/group has its own queue, so its scripts run strictly one
 * after another in event order (keepalived forks them all at once, which is how users end up
 * with a BACKUP script finishing after the MASTER one: keepalived issues 569, 584, 1055), and
 * a hung script is killed after a timeout. `notify()` only enqueues: the VRRP path never waits.
 */
export interface NotifyRunnerOptions {
  /**
   * script_user, resolved (see resolveScriptUser). Undefined when it could not be resolved:
   * then no script runs (each is reported as disabled with `identityError`), as keepalived
   * removes scripts it cannot assign a user to; FIFO lines are still written.
   */
  readonly identity: ScriptIdentity | undefined;
  readonly identityError?: string;
  /** enable_script_security: insecure scripts are disabled instead of flagged. */
  readonly scriptSecurity: boolean;
  /** Kill a notify script after this long (default 30 s). */
  readonly timeoutMs?: number;
  /** STOP scripts get keepalived's 1 s (TIMER_HZ) before they are killed, as at shutdown. */
  readonly stopTimeoutMs?: number;
  /** Opened notify_fifo / vrrp_notify_fifo (keepalived writes every line to both); the caller owns their lifetime. */
  readonly fifo?: NotifyFifo | readonly NotifyFifo[];
  /** Every script outcome (for the log line and counters the caller keeps). */
  readonly onOutcome?: (o: NotifyOutcome) => void;
}

export type NotifyOutcome =
  | { readonly kind: 'ran'; readonly target: string; readonly script: string; readonly state: string; readonly result: ScriptResult }
  | { readonly kind: 'disabled'; readonly target: string; readonly script: string; readonly state: string; readonly reason: string };

export interface NotifyCounters {
  events: number;
  scriptsRun: number;
  scriptsFailed: number;
  scriptsTimedOut: number;
  scriptsDisabled: number;
  fifoWritten: number;
  fifoDropped: number;
}

export class NotifyRunner implements NotifySink {
  readonly counters: NotifyCounters = {
    events: 0, scriptsRun: 0, scriptsFailed: 0, scriptsTimedOut: 0, scriptsDisabled: 0, fifoWritten: 0, fifoDropped: 0,
  };
  private readonly queues = new Map<string, Promise<void>>();
  private readonly verdicts = new Map<string, Promise<ScriptSecurityVerdict>>();

  constructor(private readonly opts: NotifyRunnerOptions) {}

  /** Enqueues the notifications for one state change and returns at once. */
  notify(ev: NotifyEvent): void {
    this.counters.events += 1;
    const priority = ev.kind === 'GROUP' ? 0 : ev.priority;
    const specific = ev.state === 'MASTER' ? ev.scripts.master : ev.state === 'BACKUP' ? ev.scripts.backup
      : ev.state === 'FAULT' ? ev.scripts.fault : ev.scripts.stop;
    const timeoutMs = ev.state === 'STOP' ? (this.opts.stopTimeoutMs ?? 1000) : (this.opts.timeoutMs ?? 30_000);
    const target = `${ev.kind} ${ev.name}`;
    this.enqueue(target, async () => {
      if (specific) await this.runOne(target, ev.state, specific, [], timeoutMs);
      if (ev.scripts.notify) await this.runOne(target, ev.state, ev.scripts.notify, [ev.kind, ev.name, ev.state, String(priority)], timeoutMs);
    });
    // The FIFO line goes out now, not after the scripts: its reader must see the real order
    // and timing of events even while a slow script is still running.
    this.writeFifo(ev.kind, ev.name, ev.state, priority);
  }

  /** keepalived's extra FIFO-only events: priority changes and "master received lower priority". */
  notifyFifoEvent(name: string, state: Extract<FifoEventState, 'MASTER_RX_LOWER_PRI' | 'MASTER_PRIORITY' | 'BACKUP_PRIORITY'>, priority: number): void {
    this.writeFifo('INSTANCE', name, state, priority);
  }

  /** Resolves when every queued notification has finished (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
  }

  private writeFifo(kind: 'INSTANCE' | 'GROUP', name: string, state: FifoEventState, priority: number): void {
    const fifos = this.opts.fifo === undefined ? [] : Array.isArray(this.opts.fifo) ? this.opts.fifo : [this.opts.fifo as NotifyFifo];
    const line = fifoLine(kind, name, state, priority);
    for (const f of fifos) {
      if (f.write(line)) this.counters.fifoWritten += 1;
      else this.counters.fifoDropped += 1;
    }
  }

  private enqueue(key: string, job: () => Promise<void>): void {
    const prev = this.queues.get(key) ?? Promise.resolve();
    const next = prev.then(job).catch(() => undefined);
    this.queues.set(key, next);
    void next.then(() => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    });
  }

  private verdictFor(script: string): Promise<ScriptSecurityVerdict> {
    const file = splitScriptLine(script)[0] ?? '';
    const identity = this.opts.identity;
    if (!identity) {
      return Promise.resolve({ runnable: false, notFound: false, executable: false, insecure: false, reason: this.opts.identityError ?? 'no script user' });
    }
    let v = this.verdicts.get(file);
    if (!v) {
      v = checkScriptSecurity(file, identity, { scriptSecurity: this.opts.scriptSecurity });
      this.verdicts.set(file, v);
    }
    return v;
  }

  /** Forget cached security verdicts (after a reload, scripts or permissions may have changed). */
  forgetSecurityVerdicts(): void {
    this.verdicts.clear();
  }

  private async runOne(target: string, state: string, script: string, extraArgs: string[], timeoutMs: number): Promise<void> {
    const verdict = await this.verdictFor(script).catch((err: unknown) => ({
      runnable: false, notFound: true, executable: false, insecure: false, reason: String(err),
    }) satisfies ScriptSecurityVerdict);
    if (!verdict.runnable) {
      this.counters.scriptsDisabled += 1;
      this.opts.onOutcome?.({ kind: 'disabled', target, script, state, reason: verdict.reason ?? 'not runnable' });
      return;
    }
    // Run the resolved absolute path when a $PATH search found it, as keepalived rewrites it.
    const [, ...rest] = splitScriptLine(script);
    const line = verdict.path ? [quote(verdict.path), ...rest.map(quote)].join(' ') : script;
    const result = await runScript(line, { timeoutMs, extraArgs, ...(this.opts.identity ? { user: this.opts.identity } : {}) });
    this.counters.scriptsRun += 1;
    if (result.timedOut) this.counters.scriptsTimedOut += 1;
    if (result.error || result.timedOut || result.code !== 0) this.counters.scriptsFailed += 1;
    this.opts.onOutcome?.({ kind: 'ran', target, script, state, result });
  }
}

/** Re-quote one argv element for splitScriptLine (which honours '...' and "..."). */
function quote(arg: string): string {
  if (arg !== '' && !/[\s'"]/.test(arg)) return arg;
  return arg.includes("'") ? `"${arg}"` : `'${arg}'`;
}
