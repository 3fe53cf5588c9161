// Runs `vrrp_script` checks for the standalone VRRP entry: each script every `intervalMs`, killed
// after `timeoutMs` (a timeout counts as a failure, as in keepalived), never two runs of the same
// script at once. Only the raw result (exit 0 or not) is reported; rise/fall/weight are the
// tracking layer's business. The daemon may run scripts elsewhere and push results into the
// engine with `setScriptResult`, which is why this runner is separate from the engine.
import { spawn } from 'node:child_process';
import { splitScriptLine } from './notify-sink.js';

export interface TrackScriptRun {
  name: string;
  script: string;
  intervalMs: number;
  timeoutMs: number;
}

export interface TrackScriptCounters {
  runs: number;
  ok: number;
  failed: number;
  timedOut: number;
  spawnErrors: number;
}

export class TrackScriptRunner {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly busy = new Set<string>();
  private stopped = false;
  readonly counters = new Map<string, TrackScriptCounters>();

  constructor(
    private readonly scripts: TrackScriptRun[],
    private readonly onResult: (name: string, ok: boolean) => void,
    private readonly onError: (name: string, message: string) => void = () => {},
  ) {}

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

  private runOnce(s: TrackScriptRun): void {
    if (this.stopped || this.busy.has(s.name)) return;
    const c = this.counters.get(s.name)!;
    const [cmd, ...args] = splitScriptLine(s.script);
    if (!cmd) return;
    this.busy.add(s.name);
    c.runs += 1;
    let timedOut = false;
    const child = spawn(cmd, args, { stdio: 'ignore' });
    const killer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, s.timeoutMs);
    let done = false;
    // 'error' (spawn failed) and 'exit' can both arrive for one run; count it once.
    const finish = (ok: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(killer);
      this.busy.delete(s.name);
      if (ok) c.ok += 1; else c.failed += 1;
      if (!this.stopped) this.onResult(s.name, ok);
    };
    child.on('error', (err) => {
      c.spawnErrors += 1;
      this.onError(s.name, `cannot run "${s.script}": ${err.message}`);
      finish(false);
    });
    child.on('exit', (code) => {
      if (done) return;
      if (timedOut) { c.timedOut += 1; this.onError(s.name, `"${s.script}" timed out after ${s.timeoutMs} ms`); }
      finish(!timedOut && code === 0);
    });
  }
}
