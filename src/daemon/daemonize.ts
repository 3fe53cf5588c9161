// keepalived forks into the background unless -n; it also enters a named network namespace
// with -s. Node can neither fork nor setns, so both are done by re-executing ka-ts: in the
// background with -n added, or under `ip netns exec NAME` with the namespace remembered in
// KA_TS_NETNS (so pid files and the control socket are per-namespace, as keepalived's are).
import { spawn } from 'node:child_process';

export const NETNS_ENV = 'KA_TS_NETNS';

function selfArgs(extra: string[]): string[] {
  return [...process.execArgv, process.argv[1] as string, ...process.argv.slice(2), ...extra];
}

/** Starts a detached copy of this command with -n and returns at once (the caller exits 0). */
export function forkToBackground(): number | undefined {
  const child = spawn(process.execPath, selfArgs(['-n']), { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid;
}

/**
 * Runs this command again inside network namespace `ns` and mirrors its exit; signals sent to
 * this process are passed on so systemd and runbooks keep working against the outer pid.
 */
export async function reexecInNamespace(ns: string): Promise<number> {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, ...selfArgs([])], {
    stdio: 'inherit',
    env: { ...process.env, [NETNS_ENV]: ns },
  });
  const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
  for (const sig of ['SIGHUP', 'SIGTERM', 'SIGINT', 'SIGUSR1', 'SIGUSR2'] as const) process.on(sig, forward(sig));
  return await new Promise<number>((resolve) => {
    child.on('error', (err) => {
      process.stderr.write(`ka-ts: cannot enter network namespace '${ns}': ${err.message}\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
