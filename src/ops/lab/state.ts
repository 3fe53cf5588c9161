// The lab's state file (/run/ka-ts/lab/NAME/state.json): what `lab up` made, so that `lab down`
// and the drill find it again. `down` does not trust it alone: namespaces are also found by the
// name prefix the lab owns, so a crash between creating a namespace and writing the file leaks nothing.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabPlan } from './plan.js';

export type DirectorKind = 'keepalived' | 'ka-ts';

export interface LabDirectorState {
  id: 'd1' | 'd2';
  ns: string;
  kind: DirectorKind;
  conf: string;
  pidFile: string;
  /** keepalived: the VRRP child's pid file; ka-ts: the same. */
  vrrpPidFile: string;
  controlSocket?: string;
  pid: number;
  log: string;
  /** What the lab programs itself on this director (keepalived cannot program IPVS here). */
  dataplane: 'ka-ts' | 'lab-nft' | 'none';
}

export interface LabProcessState { role: string; ns: string; pid: number; marker: string }

export interface LabState {
  name: string;
  conf: string;
  dir: string;
  createdAt: string;
  plan: LabPlan;
  advertInt: number;
  healthFiles: Record<string, string>;
  namespaces: { sw: string; client: string; d1: string; d2: string; rs: string[] };
  directors: LabDirectorState[];
  processes: LabProcessState[];
  notes: string[];
}

export const LAB_STATE_ROOT = '/run/ka-ts/lab';

export function labDir(name: string): string {
  return join(LAB_STATE_ROOT, name);
}

export async function writeLabState(s: LabState): Promise<void> {
  await mkdir(s.dir, { recursive: true, mode: 0o700 });
  const tmp = join(s.dir, 'state.json.tmp');
  await writeFile(tmp, JSON.stringify(s, null, 2), { mode: 0o600 });
  await rename(tmp, join(s.dir, 'state.json'));
}

export async function readLabState(name: string): Promise<LabState | undefined> {
  try {
    return JSON.parse(await readFile(join(labDir(name), 'state.json'), 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}
