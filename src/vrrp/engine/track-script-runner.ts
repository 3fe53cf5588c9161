// Runs `vrrp_script` checks: each script every `intervalMs`, as its configured user (the script's
// `user` or the global script_user), in its own process group, SIGTERM after `timeoutMs` and
// SIGKILL 2 s later (keepalived's timeout handling; a timeout counts as a failure), never two runs
// of the same script at once — also across a reload, when the caller hands the old runner to the
// new one. Only the raw result (exit 0 or not) is reported; rise/fall/weight are the tracking
// layer's business. The daemon may run scripts elsewhere and push results into the engine with
// `setScriptResult`, which is why this runner is separate from the engine.
import { runScript, type ScriptResult } from '../../ops/run-script.js';
import type { ScriptIdentity } from '../../ops/script-user.js';

export interface TrackScriptRun {
  name: string;
  script: string;
  intervalMs: number;
  timeoutMs: number;
  /** Run as this identity or user name (vrrp_script `user`, else global script_user); default: our own user. */
  user?: ScriptIdentity | string;
}

export interface TrackScriptCounters {
  runs: number;
  ok: number;
  failed: number;
  timedOut: number;
  spawnErrors: number;
}

export interface TrackScriptRunnerOptions {
  /**
   * The runner this one replaces (on reload): runs it still has in flight keep their scripts busy
   * here, so a script is never run twice at once. Stop the previous runner before starting this one.
   */
  previous?: TrackScriptRunner;
  /** keepalived sends SIGKILL this long after the SIGTERM of a timed-out script (default 2000 ms). */
  killGraceMs?: number;
}

export class TrackScriptRunner {
  private readonly timers: NodeJS.Timeout[] = [];
  /** Names with a run in flight; shared with the runner this one replaced. */
  private readonly busy: Set<string>;
  private readonly killGraceMs: number;
  private stopped = false;
  readonly counters = new Map<string, TrackScriptCounters>();

  constructor(
    private readonly scripts: TrackScriptRun[],
    private readonly onResult: (name: string, ok: boolean) => void,
    private readonly onError: (name: string, message: string) => void = () => {},
    opts: TrackScriptRunnerOptions = {},
  ) {
    this.busy = opts.previous?.busy ?? new Set<string>();
    this.killGraceMs = opts.killGraceMs ?? 2000;
  }

  start(): void {
    for (const s of this.scripts) {
      this.counters.set(s.name, { runs: 0, ok: 0, failed: 0, timedOut: 0, spawnErrors: 0 });
      this.runOnce(s);
      this.timers.push(setInterval(() => this.runOnce(s), s.intervalMs));
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
  }

  /** True while a run of `name` (by this runner or the one it replaced) has not finished. */
  isRunning(name: string): boolean {
    return this.busy.has(name);
  }

  private runOnce(s: TrackScriptRun): void {
    if (this.stopped || this.busy.has(s.name)) return;
    const c = this.counters.get(s.name)!;
    this.busy.add(s.name);
    c.runs += 1;
    runScript(s.script, { timeoutMs: s.timeoutMs, killGraceMs: this.killGraceMs, ...(s.user !== undefined ? { user: s.user } : {}) })
      .then((r) => this.finish(s, c, r), (err: Error) => this.finish(s, c, { code: null, signal: null, timedOut: false, error: err.message, durationMs: 0 }));
  }

  private finish(s: TrackScriptRun, c: TrackScriptCounters, r: ScriptResult): void {
    this.busy.delete(s.name);
    const ok = r.error === undefined && !r.timedOut && r.code === 0;
    if (r.error !== undefined) { c.spawnErrors += 1; this.onError(s.name, `cannot run "${s.script}": ${r.error}`); }
    if (r.timedOut) { c.timedOut += 1; this.onError(s.name, `"${s.script}" timed out after ${s.timeoutMs} ms`); }
    if (ok) c.ok += 1; else c.failed += 1;
    if (!this.stopped) this.onResult(s.name, ok);
  }
}
