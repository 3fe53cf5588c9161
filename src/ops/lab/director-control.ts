// Stopping and restarting one lab director, for the drill's faults and their restoration.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { directorCommand, isAlive, startDetached } from './processes.js';
import { writeLabState, type LabDirectorState, type LabState } from './state.js';
import { addressesIn, nsSh, sleep } from './sh.js';

async function pidFrom(file: string): Promise<number | undefined> {
  try {
    const n = Number((await readFile(file, 'utf8')).trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Every process of the director: the main one and its children (from their pid files). */
export async function directorPids(d: LabDirectorState): Promise<number[]> {
  const out = new Set<number>([d.pid]);
  for (const f of [d.pidFile, d.vrrpPidFile, d.pidFile.replace(/\.pid$/, '.check.pid')]) {
    const p = await pidFrom(f);
    if (p !== undefined) out.add(p);
  }
  return [...out];
}

export async function directorAlive(d: LabDirectorState): Promise<boolean> {
  return isAlive(d.pid, d.conf);
}

/** Waits until the director's main process has exited (after a SIGTERM it shuts down cleanly). */
export async function waitDirectorExit(d: LabDirectorState, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (!(await directorAlive(d))) return true;
    await sleep(25);
  }
  return false;
}

/**
 * Restarts a stopped or killed director. A SIGKILLed director leaves its VIPs on its interfaces
 * (nobody removed them); they are deleted first so the restarted director starts clean.
 */
export async function restartDirector(state: LabState, d: LabDirectorState, vips: readonly string[]): Promise<void> {
  for (const pid of await directorPids(d)) {
    if (await isAlive(pid, '')) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
  for (const [ifname, addrs] of await addressesIn(d.ns)) {
    for (const a of addrs.filter((x) => vips.includes(x))) {
      const prefix = (await nsSh(d.ns, 'ip', ['-o', '-4', 'addr', 'show', 'dev', ifname])).stdout.match(new RegExp(`inet ${a.replace(/\./g, '\\.')}/(\\d+)`))?.[1] ?? '32';
      await nsSh(d.ns, 'ip', ['addr', 'del', `${a}/${prefix}`, 'dev', ifname], true);
    }
  }
  const logOffset = await stat(d.log).then((x) => x.size, () => 0);
  const c = directorCommand(d.kind, d.conf, d.pidFile, d.vrrpPidFile, join(state.dir, `${d.id}.check.pid`), d.controlSocket ?? join(state.dir, `${d.id}.sock`));
  d.pid = startDetached(d.ns, c.cmd, c.args, d.log);
  const p = state.processes.find((x) => x.marker === d.conf);
  if (p) p.pid = d.pid;
  await writeLabState(state);
  await waitDirectorReady(d, logOffset, 20_000);
}

/** The line each daemon logs once its VRRP instances run (before it, a priority-0 advert is missed). */
const READY: Record<LabDirectorState['kind'], RegExp> = {
  keepalived: /Entering (BACKUP|MASTER) STATE/,
  'ka-ts': /VRRP running \d+ instance/,
};

/**
 * Waits until a (re)started director runs its VRRP instances, read from its log after
 * `logOffset`: a drill started earlier would measure the daemon's start-up, not the protocol.
 */
export async function waitDirectorReady(d: LabDirectorState, logOffset: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const log = await readFile(d.log).catch(() => Buffer.alloc(0));
    if (READY[d.kind].test(log.subarray(logOffset).toString('utf8'))) return;
    if (!(await directorAlive(d))) {
      // The lab's directory goes with `lab down`: the reason must travel in the error itself.
      const tail = (await readFile(d.log).catch(() => Buffer.alloc(0))).subarray(logOffset).toString('utf8').trimEnd().split('\n').slice(-15).join('\n');
      throw new LabDirectorError(`director ${d.id} (${d.kind}) exited while starting; see ${d.log}${tail ? `; its last lines:\n${tail}` : ' (it logged nothing)'}`);
    }
    await sleep(50);
  }
  throw new LabDirectorError(`director ${d.id} (${d.kind}) did not start its VRRP instances within ${timeoutMs / 1000} s; see ${d.log}`);
}

export class LabDirectorError extends Error {
  constructor(message: string) { super(message); this.name = 'LabDirectorError'; }
}
