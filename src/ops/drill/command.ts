// `ka-ts drill [--lab [--name NAME]] [--scenario kill|stop|link-down|script-fail|demote] [--repeat N] [--json] [--svg FILE]`
import { writeFile } from 'node:fs/promises';
import { ConfReadError } from '../lab/conf-tree.js';
import { readLabState } from '../lab/state.js';
import { LabDirectorError } from '../lab/director-control.js';
import { labIsRunning } from '../lab/up.js';
import { DrillError } from './faults.js';
import { renderSvg } from './render-svg.js';
import { renderTable } from './render-table.js';
import { runLabDrill } from './run-drill.js';
import { runTargetDrill } from './run-target-drill.js';
import { ControlClientError } from '../../daemon/control-client.js';
import { daemonPaths } from '../../daemon/paths.js';
import { SCENARIOS, type DrillTimeline, type Scenario } from './timeline.js';


export class DrillUsageError extends Error {
  constructor(message: string) { super(message); this.name = 'DrillUsageError'; }
}

export interface DrillArgs { name: string; scenario: Scenario; repeat: number; json: boolean; svg?: string; target?: string; file: string; controlSocket: string }

export const DRILL_USAGE = `usage: ka-ts drill [--lab [--name NAME]] [--scenario kill|stop|link-down|script-fail|demote] [--repeat N] [--json] [--svg FILE]
  --lab            drill the pair built by \`ka-ts lab up\` (the default)
  --target ADDR    drill a real pair from its MASTER: demote through the local control socket, ADDR = the peer
                   director's address; with -f FILE (default /etc/keepalived/keepalived.conf) and
                   --control-socket PATH (default: the daemon's, /run/ka-ts[/NETNS]/ka-ts.sock); only --scenario demote
  --scenario S     kill (SIGKILL), stop (SIGTERM), link-down, script-fail (tracked script fails), demote (control socket, ka-ts only)
`;

export function parseDrillArgs(argv: readonly string[]): DrillArgs {
  const out: DrillArgs = { name: 'ka', scenario: 'kill', repeat: 1, json: false, file: '/etc/keepalived/keepalived.conf', controlSocket: '' };
  let scenarioGiven = false;
  const a = [...argv];
  while (a.length) {
    const o = a.shift()!;
    const v = (): string => { const x = a.shift(); if (x === undefined) throw new DrillUsageError(`${o} needs a value`); return x; };
    if (o === '--lab') continue;
    else if (o === '--name') out.name = v();
    else if (o === '--target') out.target = v();
    else if (o === '-f' || o === '--use-file') out.file = v();
    else if (o === '--control-socket') out.controlSocket = v();
    else if (o === '--scenario') {
      const s = v();
      if (!(SCENARIOS as readonly string[]).includes(s)) throw new DrillUsageError(`unknown scenario '${s}' (${SCENARIOS.join(', ')})`);
      out.scenario = s as Scenario;
      scenarioGiven = true;
    } else if (o === '--repeat') {
      const n = Number(v());
      if (!Number.isInteger(n) || n < 1 || n > 100) throw new DrillUsageError('--repeat takes 1-100');
      out.repeat = n;
    } else if (o === '--json') out.json = true;
    else if (o === '--svg') out.svg = v();
    else throw new DrillUsageError(`unknown option '${o}'`);
  }
  // The daemon's own default (per network namespace, as the daemon computes it).
  if (!out.controlSocket) out.controlSocket = daemonPaths({}).controlSocket;
  if (out.target !== undefined) {
    // Against a real pair only a reversible fault is allowed: demote, restored afterwards.
    if (scenarioGiven && out.scenario !== 'demote') throw new DrillUsageError(`--target only runs --scenario demote (a real pair is not killed or unplugged), not ${out.scenario}`);
    out.scenario = 'demote';
  }
  return out;
}

export async function runDrillCommand(argv: string[]): Promise<number> {
  let args: DrillArgs;
  try {
    args = parseDrillArgs(argv);
  } catch (e) {
    if (e instanceof DrillUsageError) { process.stderr.write(`ka-ts drill: ${e.message}\n${DRILL_USAGE}`); return 2; }
    throw e;
  }
  if (process.getuid?.() !== 0) { process.stderr.write('ka-ts drill: needs root (network namespaces, tcpdump)\n'); return 4; }
  const progress = (l: string): void => { process.stderr.write(`drill: ${l}\n`); };
  const results: DrillTimeline[] = [];
  if (args.target !== undefined) {
    try {
      for (let i = 1; i <= args.repeat; i++) {
        if (args.repeat > 1) progress(`run ${i}/${args.repeat}`);
        const t = await runTargetDrill({ file: args.file, target: args.target, controlSocket: args.controlSocket, progress });
        results.push(t);
        if (!args.json) process.stdout.write(renderTable(t));
        // Let the restored priority win back (or not, with nopreempt) before the next run.
        if (i < args.repeat) await new Promise((r) => setTimeout(r, (4 * t.advertInt + 1) * 1000));
      }
    } catch (e) {
      if (e instanceof DrillError || e instanceof ConfReadError || e instanceof ControlClientError) { process.stderr.write(`ka-ts drill: ${e.message}\n`); return 1; }
      throw e;
    }
    return finish(args, results, progress);
  }
  const state = await readLabState(args.name);
  if (!state || !(await labIsRunning(state))) {
    process.stderr.write(`ka-ts drill: lab '${args.name}' is not up; run \`ka-ts lab up\` first\n`);
    return 3;
  }
  try {
    for (let i = 1; i <= args.repeat; i++) {
      if (args.repeat > 1) progress(`run ${i}/${args.repeat}`);
      const t = await runLabDrill(state, { scenario: args.scenario, progress });
      results.push(t);
      if (!args.json) process.stdout.write(renderTable(t));
    }
  } catch (e) {
    if (e instanceof DrillError || e instanceof ConfReadError || e instanceof LabDirectorError) { process.stderr.write(`ka-ts drill: ${e.message}\n`); return 1; }
    throw e;
  }
  return finish(args, results, progress);
}

async function finish(args: DrillArgs, results: DrillTimeline[], progress: (l: string) => void): Promise<number> {
  if (args.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  if (args.svg) { await writeFile(args.svg, renderSvg(results)); progress(`timeline picture written to ${args.svg}`); }
  return results.every((t) => t.withinLimit) ? 0 : 1;
}
