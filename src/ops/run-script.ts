import { spawn } from 'node:child_process';
import { splitScriptLine } from '../vrrp/engine/notify-sink.js';
import { resolveScriptUser, type ScriptIdentity } from './script-user.js';

/** Outcome of one script run. `code` is null when the script was killed by a signal. */
export interface ScriptResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  /** Set when the script could not be started at all (ENOENT, EACCES, unknown user...). */
  readonly error?: string;
  readonly durationMs: number;
}

export interface RunScriptOptions {
  /** Kill the script (its whole process group) after this long. */
  readonly timeoutMs: number;
  /** Run as this identity, or this user name (looked up through NSS); default: our own uid. */
  readonly user?: ScriptIdentity | string;
  /** Extra arguments appended to the command line (the `notify` script's TYPE NAME STATE PRIO). */
  readonly extraArgs?: readonly string[];
  /** After SIGTERM on timeout, SIGKILL follows after this grace (default 1000 ms). */
  readonly killGraceMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

const identityCache = new Map<string, Promise<ScriptIdentity>>();

async function identityOf(user: ScriptIdentity | string | undefined): Promise<ScriptIdentity | undefined> {
  if (user === undefined || typeof user !== 'string') return user;
  let p = identityCache.get(user);
  if (!p) {
    p = resolveScriptUser({ user, scriptSecurity: false });
    identityCache.set(user, p);
    p.catch(() => identityCache.delete(user));
  }
  return p;
}

/**
 * Runs one keepalived-style script line (split into argv with keepalived's quoting; no shell, as
 * keepalived 2.x execs scripts directly) and resolves when it has exited. It never rejects: a
 * script that cannot start resolves with `error`, one that hangs is killed and resolves with
 * `timedOut`. The script runs in its own process group (keepalived does setpgid) so that a
 * timeout kills whatever it started too.
 */
export async function runScript(cmd: string, opts: RunScriptOptions): Promise<ScriptResult> {
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  let id: ScriptIdentity | undefined;
  try {
    id = await identityOf(opts.user);
  } catch (err) {
    return { code: null, signal: null, timedOut: false, error: (err as Error).message, durationMs: elapsed() };
  }
  const [file, ...args] = splitScriptLine(cmd);
  if (!file) return { code: null, signal: null, timedOut: false, error: 'empty script command', durationMs: elapsed() };
  args.push(...(opts.extraArgs ?? []));
  return new Promise<ScriptResult>((resolve) => {
    let timedOut = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const finish = (r: Omit<ScriptResult, 'durationMs' | 'timedOut'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      resolve({ ...r, timedOut, durationMs: elapsed() });
    };
    let child;
    try {
      child = spawn(file, args, {
        stdio: 'ignore',
        detached: true,
        env: opts.env ?? process.env,
        ...(id && id.uid !== process.getuid?.() ? { uid: id.uid, gid: id.gid } : {}),
      });
    } catch (err) {
      // spawn throws synchronously for e.g. EPERM on setuid; report it like an exec failure.
      settled = true;
      resolve({ code: null, signal: null, timedOut: false, error: (err as Error).message, durationMs: elapsed() });
      return;
    }
    const pid = child.pid;
    const killGroup = (sig: NodeJS.Signals): void => {
      if (pid === undefined) return;
      try { process.kill(-pid, sig); } catch { /* group already gone */ }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), opts.killGraceMs ?? 1000);
    }, opts.timeoutMs);
    child.on('error', (err) => finish({ code: null, signal: null, error: `cannot run '${file}': ${err.message}` }));
    child.on('exit', (code, signal) => {
      // The script may have left children in its group; a timed-out run takes them along.
      if (timedOut) killGroup('SIGKILL');
      finish({ code, signal });
    });
  });
}
