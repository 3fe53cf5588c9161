// `ka-ts lab down`: removes everything the lab made — processes (by PID, checked), every
// namespace named with the lab's prefix (which also takes the nft tables inside them), and the
// state directory. Works from the state file and, after a crash, from the name prefix alone.
import { rm } from 'node:fs/promises';
import { labPrefix } from './plan.js';
import { isAlive, stopPid } from './processes.js';
import { labDir, readLabState } from './state.js';
import { listNamespaces, sh, sleep } from './sh.js';

export interface DownReport { namespaces: string[]; processes: number }

export async function labDown(name: string): Promise<DownReport> {
  const state = await readLabState(name);
  let processes = 0;
  if (state) {
    for (const p of state.processes) { await stopPid(p.pid, p.marker); processes += 1; }
  }
  const prefix = labPrefix(name);
  const namespaces = (await listNamespaces()).filter((n) => n.startsWith(prefix));
  const killed: number[] = [];
  for (const ns of namespaces) {
    // Anything still running inside (a drill's client, a crashed lab's directors, a daemon's
    // children still shutting down) dies with it.
    const pids = await sh('ip', ['netns', 'pids', ns], true);
    for (const pid of pids.stdout.split(/\s+/).filter(Boolean).map(Number)) {
      try { process.kill(pid, 'SIGKILL'); processes += 1; killed.push(pid); } catch { /* gone */ }
    }
  }
  // SIGKILL is asynchronous: wait until the kernel has really removed them (or left zombies for init).
  const deadline = performance.now() + 5000;
  while (performance.now() < deadline && (await Promise.all(killed.map((p) => isAlive(p, '')))).some(Boolean)) await sleep(25);
  for (const ns of namespaces) await sh('ip', ['netns', 'del', ns], true);
  await rm(labDir(name), { recursive: true, force: true });
  return { namespaces, processes };
}
