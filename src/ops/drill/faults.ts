// The faults a lab drill injects into the MASTER director, and how each one is undone.
import { writeFile, rm } from 'node:fs/promises';
import { controlRequest } from '../../daemon/control-client.js';
import { directorPids, restartDirector, waitDirectorExit } from '../lab/director-control.js';
import type { LabDirectorState, LabState } from '../lab/state.js';
import { nsSh } from '../lab/sh.js';
import type { Scenario } from './timeline.js';

export class DrillError extends Error {
  constructor(message: string) { super(message); this.name = 'DrillError'; }
}

export interface Fault {
  describe: string;
  /** Work that must not count as part of the fault (finding pids): done before the fault's time stamp. */
  prepare?(): Promise<void>;
  inject(): Promise<void>;
  restore(): Promise<void>;
}

export function makeFault(scenario: Scenario, state: LabState, d: LabDirectorState, opts: { frontIf: string; instances: string[]; vips: string[] }): Fault {
  let pids: number[] = [];
  switch (scenario) {
    case 'kill':
      return {
        describe: `SIGKILL every process of ${d.id} (${d.kind}) — a crash: no priority-0 advert, VIPs left behind`,
        prepare: async () => { pids = await directorPids(d); },
        // Freeze first, children before the parent, then kill. A SIGKILLed parent makes the kernel
        // send its children their parent-death signal (keepalived's children ask for SIGTERM), and a
        // child that ran before its own SIGKILL landed would send a priority-0 advert: a clean stop,
        // not a crash. A stopped process runs no code, and SIGKILL still ends it.
        inject: async () => {
          for (const sig of ['SIGSTOP', 'SIGKILL'] as const) {
            for (const pid of [...pids].reverse()) try { process.kill(pid, sig); } catch { /* gone */ }
          }
        },
        restore: () => restartDirector(state, d, opts.vips),
      };
    case 'stop':
      return {
        describe: `SIGTERM ${d.id} (${d.kind}) — a clean stop: priority-0 advert, VIPs removed`,
        inject: async () => { try { process.kill(d.pid, 'SIGTERM'); } catch { /* gone */ } },
        restore: async () => { await waitDirectorExit(d, 10_000); await restartDirector(state, d, opts.vips); },
      };
    case 'link-down':
      return {
        describe: `${opts.frontIf} down on ${d.id}`,
        inject: async () => { await nsSh(d.ns, 'ip', ['link', 'set', opts.frontIf, 'down']); },
        restore: async () => { await nsSh(d.ns, 'ip', ['link', 'set', opts.frontIf, 'up']); },
      };
    case 'script-fail': {
      const file = state.healthFiles[d.id]!;
      return {
        describe: `tracked script on ${d.id} starts failing (${file} removed)`,
        inject: () => rm(file, { force: true }),
        restore: () => writeFile(file, 'healthy\n'),
      };
    }
    case 'demote': {
      if (d.kind !== 'ka-ts' || !d.controlSocket) throw new DrillError(`demote needs a ka-ts MASTER with a control socket; ${d.id} runs ${d.kind} (keepalived has no runtime demote)`);
      const sock = d.controlSocket;
      return {
        describe: `demote ${opts.instances.join(', ')} on ${d.id} through ${sock}`,
        inject: async () => { for (const instance of opts.instances) await controlRequest(sock, { cmd: 'demote', instance }); },
        restore: async () => { for (const instance of opts.instances) await controlRequest(sock, { cmd: 'restore', instance }); },
      };
    }
  }
}
