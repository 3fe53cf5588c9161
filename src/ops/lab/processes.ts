// Long-running lab processes (directors, real servers), started detached inside their namespace so
// they outlive `ka-ts lab up`, and stopped by PID after checking the PID still is ours.
import { spawn } from 'node:child_process';
import { openSync, closeSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { DirectorKind } from './state.js';
import { sleep } from './sh.js';

export class LabProcessError extends Error {
  constructor(message: string) { super(message); this.name = 'LabProcessError'; }
}

/** Starts `cmd args` in `ns`, detached, output appended to `log`; returns its PID (ip netns exec execs in place). */
export function startDetached(ns: string, cmd: string, args: readonly string[], log: string): number {
  const fd = openSync(log, 'a', 0o600);
  try {
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { detached: true, stdio: ['ignore', fd, fd] });
    if (child.pid === undefined) throw new LabProcessError(`cannot start ${cmd} in ${ns}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export async function cmdlineOf(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
  } catch {
    return undefined;
  }
}

export async function isAlive(pid: number, marker: string): Promise<boolean> {
  const c = await cmdlineOf(pid);
  if (c === undefined) return false;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // A zombie (state Z) has exited; its parent has just not reaped it yet.
  if (/^\d+ \(.*\) Z/.test(stat)) return false;
  // Mid-execve (`ip netns exec` becoming the daemon) the new image has no arguments yet and
  // cmdline reads empty: the process is alive, its marker just cannot be read for a moment.
  if (c === '') return stat !== '';
  return c.includes(marker);
}

/** SIGTERM (or `signal`), then SIGKILL after `graceMs`, only if /proc/PID still carries `marker`. */
export async function stopPid(pid: number, marker: string, graceMs = 3000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!(await isAlive(pid, marker))) return;
  try { process.kill(pid, signal); } catch { return; }
  const deadline = performance.now() + graceMs;
  while (performance.now() < deadline) {
    if (!(await isAlive(pid, marker))) return;
    await sleep(50);
  }
  try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
}

export const REAL_SERVER_SCRIPT = fileURLToPath(new URL('./real-server.js', import.meta.url));
export const KA_TS_MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

export interface DirectorCommand { cmd: string; args: string[] }

export function directorCommand(kind: DirectorKind, conf: string, pidFile: string, vrrpPidFile: string, checkerPidFile: string, controlSocket: string): DirectorCommand {
  if (kind === 'keepalived') return { cmd: 'keepalived', args: ['-P', '-n', '-l', '-D', '-f', conf, '-p', pidFile, '-r', vrrpPidFile] };
  // Kernel IPVS where the kernel has it (the daemon's auto choice), nftables NAT where it has not.
  const backend = existsSync('/proc/net/ip_vs') ? 'auto' : 'nft';
  return { cmd: process.execPath, args: [KA_TS_MAIN, '-f', conf, '-n', '-l', '-D', '-p', pidFile, '-r', vrrpPidFile, '-c', checkerPidFile, '--control-socket', controlSocket, '--ipvs-backend', backend] };
}
