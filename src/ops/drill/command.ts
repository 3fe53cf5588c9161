// `ka-ts drill [--lab [--name NAME]] [--scenario kill|stop|link-down|script-fail|demote] [--repeat N] [--json] [--svg FILE]`
import { writeFile } from 'node:fs/promises';
import { ConfReadError } from '../lab/conf-tree.js';
import { readLabState } from '../lab/state.js';
import { labIsRunning } from '../lab/up.js';
import { DrillError } from './faults.js';
import { renderSvg } from './render-svg.js';
import { renderTable } from './render-table.js';
import { runLabDrill } from './run-drill.js';
import { SCENARIOS, type DrillTimeline, type Scenario } from './timeline.js';

export class DrillUsageError extends Error {
  constructor(message: string) { super(message); this.name = 'DrillUsageError'; }
}

export interface DrillArgs { name: string; scenario: Scenario; repeat: number; json: boolean; svg?: string; target?: string }

export const DRILL_USAGE = `usage: ka-ts drill [--lab [--name NAME]] [--scenario kill|stop|link-down|script-fail|demote] [--repeat N] [--json] [--svg FILE]
  --lab            drill the pair built by \`ka-ts lab up\` (the default)
  --target ADDR    drill a real pair: not available yet (needs the daemon's demote across hosts); use --lab
  --scenario S     kill (SIGKILL), stop (SIGTERM), link-down, script-fail (tracked script fails), demote (control socket, ka-ts only)
`;

export function parseDrillArgs(argv: readonly string[]): DrillArgs {
  const out: DrillArgs = { name: 'ka', scenario: 'kill', repeat: 1, json: false };
  const a = [...argv];
  while (a.length) {
    const o = a.shift()!;
    const v = (): string => { const x = a.shift(); if (x === undefined) throw new DrillUsageError(`${o} needs a value`); return x; };
    if (o === '--lab') continue;
    else if (o === '--name') out.name = v();
    else if (o === '--target') out.target = v();
    else if (o === '--scenario') {
      const s = v();
      if (!(SCENARIOS as readonly string[]).includes(s)) throw new DrillUsageError(`unknown scenario '${s}' (${SCENARIOS.join(', ')})`);
      out.scenario = s as Scenario;
    } else if (o === '--repeat') {
      const n = Number(v());
      if (!Number.isInteger(n) || n < 1 || n > 100) throw new DrillUsageError('--repeat takes 1-100');
      out.repeat = n;
    } else if (o === '--json') out.json = true;
    else if (o === '--svg') out.svg = v();
    else throw new DrillUsageError(`unknown option '${o}'`);
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
  if (args.target !== undefined) {
    process.stderr.write('ka-ts drill: --target (a real pair on other hosts) is not implemented; drill the lab with --lab\n');
    return 2;
  }
  if (process.getuid?.() !== 0) { process.stderr.write('ka-ts drill: needs root (network namespaces, tcpdump)\n'); return 4; }
  const state = await readLabState(args.name);
  if (!state || !(await labIsRunning(state))) {
    process.stderr.write(`ka-ts drill: lab '${args.name}' is not up; run \`ka-ts lab up\` first\n`);
    return 3;
  }
  const progress = (l: string): void => { process.stderr.write(`drill: ${l}\n`); };
  const results: DrillTimeline[] = [];
  try {
    for (let i = 1; i <= args.repeat; i++) {
      if (args.repeat > 1) progress(`run ${i}/${args.repeat}`);
      const t = await runLabDrill(state, { scenario: args.scenario, progress });
      results.push(t);
      if (!args.json) process.stdout.write(renderTable(t));
    }
  } catch (e) {
    if (e instanceof DrillError || e instanceof ConfReadError) { process.stderr.write(`ka-ts drill: ${e.message}\n`); return 1; }
    throw e;
  }
  if (args.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  if (args.svg) { await writeFile(args.svg, renderSvg(results)); progress(`timeline picture written to ${args.svg}`); }
  return results.every((t) => t.withinLimit) ? 0 : 1;
}
