// `ka-ts lab up|down|status [-f FILE] [--name NAME] [--peer keepalived] [--advert-int S] [--json]`
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import { ConfReadError } from './conf-tree.js';
import { labDown } from './down.js';
import { loadLabConfig } from './lab-config.js';
import { LabAddressError } from './ipv4.js';
import { formatLabStatus, labStatus } from './status.js';
import type { DirectorKind } from './state.js';
import { labUp, LabUpError } from './up.js';

/** What a director runs when no option says otherwise; `--peer keepalived` makes d2 keepalived 2.2.7. */
export const DEFAULT_DIRECTOR_KIND: DirectorKind = 'ka-ts';

export class LabUsageError extends Error {
  constructor(message: string) { super(message); this.name = 'LabUsageError'; }
}

export interface LabArgs {
  action: 'up' | 'down' | 'status';
  file: string;
  name: string;
  directors: [DirectorKind, DirectorKind];
  advertInt?: number;
  json: boolean;
}

export const LAB_USAGE = `usage: ka-ts lab up|down|status [-f FILE] [--name NAME] [--peer keepalived] [--directors ka-ts|keepalived] [--advert-int SECONDS] [--json]
  up      build the config's director pair, real servers and client in network namespaces
  down    remove everything the lab made (also after a crash)
  status  namespaces, processes, MASTER and VIP holders (exit 3 when the lab is not up)
  -f FILE             keepalived.conf to build (default: the bundled conf/keepalived.conf)
  --peer keepalived   d1 runs ka-ts, d2 runs keepalived 2.2.7 (a mixed pair)
  --directors KIND    both directors run KIND (ka-ts or keepalived; default ka-ts)
  --advert-int S      override advert_int in the lab (a fraction switches to VRRPv3)
`;

export function parseLabArgs(argv: readonly string[]): LabArgs {
  const a = [...argv];
  const action = a.shift();
  if (action !== 'up' && action !== 'down' && action !== 'status') throw new LabUsageError(`expected up, down or status, got '${action ?? ''}'`);
  const out: LabArgs = { action, file: join(packageRoot(), 'conf', 'keepalived.conf'), name: 'ka', directors: [DEFAULT_DIRECTOR_KIND, DEFAULT_DIRECTOR_KIND], json: false };
  const kind = (v: string | undefined, opt: string): DirectorKind => {
    if (v === 'keepalived' || v === 'ka-ts') return v;
    throw new LabUsageError(`${opt} takes keepalived or ka-ts, got '${v ?? ''}'`);
  };
  while (a.length) {
    const o = a.shift()!;
    const v = (): string => { const x = a.shift(); if (x === undefined) throw new LabUsageError(`${o} needs a value`); return x; };
    if (o === '-f' || o === '--use-file') out.file = v();
    else if (o === '--name') out.name = v();
    else if (o === '--peer') out.directors = ['ka-ts', kind(v(), o)];
    else if (o === '--directors') { const k = kind(v(), o); out.directors = [k, k]; }
    else if (o === '--advert-int') {
      const x = Number(v());
      if (!(x >= 0.01 && x <= 255)) throw new LabUsageError('--advert-int takes seconds between 0.01 and 255');
      out.advertInt = x;
    } else if (o === '--json') out.json = true;
    else throw new LabUsageError(`unknown option '${o}'`);
  }
  return out;
}

export async function runLabCommand(argv: string[]): Promise<number> {
  let args: LabArgs;
  try {
    args = parseLabArgs(argv);
  } catch (e) {
    if (e instanceof LabUsageError) { process.stderr.write(`ka-ts lab: ${e.message}\n${LAB_USAGE}`); return 2; }
    throw e;
  }
  if (args.action !== 'status' && process.getuid?.() !== 0) { process.stderr.write('ka-ts lab: needs root (network namespaces)\n'); return 4; }
  try {
    if (args.action === 'down') {
      const r = await labDown(args.name);
      process.stdout.write(args.json ? JSON.stringify(r) + '\n' : `lab ${args.name} down: removed ${r.namespaces.length} namespaces, stopped ${r.processes} processes\n`);
      return 0;
    }
    if (args.action === 'up') {
      const cfg = await loadLabConfig(args.file);
      const progress = args.json ? undefined : (l: string): void => { process.stdout.write(`lab: ${l}\n`); };
      const { reused } = await labUp(cfg, { name: args.name, directors: args.directors, ...(args.advertInt !== undefined ? { advertInt: args.advertInt } : {}), ...(progress ? { progress } : {}) });
      if (reused && !args.json) process.stdout.write(`lab ${args.name} is already up (nothing changed)\n`);
    }
    const s = await labStatus(args.name);
    process.stdout.write(args.json ? JSON.stringify(s, null, 2) + '\n' : formatLabStatus(s));
    return args.action === 'status' && !s.up ? 3 : 0;
  } catch (e) {
    if (e instanceof ConfReadError || e instanceof LabAddressError || e instanceof LabUpError) {
      process.stderr.write(`ka-ts lab: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
