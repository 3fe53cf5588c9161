// MISC_CHECK (check_misc.c): run misc_path (no shell) in its own process group. Exit 0 = success
// (weight back to the configured one); with misc_dynamic, exit 2..255 = success with weight
// exit−2; anything else = failure. On misc_timeout the group gets SIGTERM, then SIGKILL 2 s
// later, and the run counts as a failure ("timed out"), as keepalived does.

import { spawn } from 'node:child_process';
import type { MiscCheckSpec } from '../spec.js';
import { elapsedSince, failResult, okResult, type ProbeResult } from '../result.js';
import { splitCommandLine } from './command-line.js';

const KILL_GRACE_MS = 2000;

/** Process groups of the scripts running now, so stop() can end them instead of orphaning them. */
const running = new Set<number>();

/** SIGKILLs the process group of every MISC_CHECK script still running (service stop). */
export function killRunningScripts(): number {
  const n = running.size;
  for (const pid of running) killGroup(pid, 'SIGKILL');
  running.clear();
  return n;
}

function killGroup(pid: number, sig: NodeJS.Signals): void {
  try { process.kill(-pid, sig); } catch { /* already gone */ }
}

export function probeMisc(spec: MiscCheckSpec, configuredWeight: number): Promise<ProbeResult> {
  const start = performance.now();
  let argv: string[];
  try { argv = splitCommandLine(spec.path); } catch (err) { return Promise.resolve(failResult(0, (err as Error).message)); }
  return new Promise((resolve) => {
    const opts: Parameters<typeof spawn>[2] = { stdio: 'ignore', detached: true };
    if (spec.uid !== undefined) opts.uid = spec.uid;
    if (spec.gid !== undefined) opts.gid = spec.gid;
    const child = spawn(argv[0]!, argv.slice(1), opts);
    if (child.pid) running.add(child.pid);
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) {
        const pid = child.pid;
        killGroup(pid, 'SIGTERM');
        killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
      }
    }, spec.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve(failResult(elapsedSince(start), `cannot run ${argv[0]}: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
    });
    child.once('exit', (code, signal) => {
      if (child.pid) running.delete(child.pid);
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      // Children the script left behind die with it, as keepalived kills the whole group.
      if (child.pid && (timedOut || signal)) killGroup(child.pid, 'SIGKILL');
      const ms = elapsedSince(start);
      if (timedOut) return resolve(failResult(ms, `timed out after ${spec.timeoutMs} ms`));
      if (signal) return resolve(failResult(ms, `killed by ${signal}`));
      if (code === 0) return resolve({ ...okResult(ms, 'exit 0'), ...(spec.dynamic ? { weight: configuredWeight } : {}) });
      if (spec.dynamic && code !== null && code >= 2 && code <= 255) {
        return resolve({ ...okResult(ms, `exit ${code}`), weight: code - 2 });
      }
      resolve(failResult(ms, `exit ${code}`));
    });
  });
}
