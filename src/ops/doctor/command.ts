// `ka-ts doctor [-f FILE] [--realserver ADDR]... [--netns NS] [--json]`: exit code = worst finding.
import { ConfReadError } from '../lab/conf-tree.js';
import { exitCodeFor, type Finding } from './finding.js';
import { runDoctor } from './run-doctor.js';

export class DoctorUsageError extends Error {
  constructor(message: string) { super(message); this.name = 'DoctorUsageError'; }
}

export const DOCTOR_USAGE = `usage: ka-ts doctor [-f FILE] [--realserver ADDR]... [--netns NS] [--json]
  -f FILE            the director's keepalived.conf (default /etc/keepalived/keepalived.conf)
  --realserver ADDR  also probe this real server from the director (NAT return route; DR/TUN ARP)
  --netns NS         inspect the director in network namespace NS (e.g. a \`ka-ts lab\` director)
  --json             findings as JSON; exit code 0 = nothing or info, 1 = warning, 2 = error
`;

export interface DoctorArgs { file: string; realServers: string[]; ns?: string; json: boolean }

export function parseDoctorArgs(argv: readonly string[]): DoctorArgs {
  const out: DoctorArgs = { file: '/etc/keepalived/keepalived.conf', realServers: [], json: false };
  const a = [...argv];
  while (a.length) {
    const o = a.shift()!;
    const v = (): string => { const x = a.shift(); if (x === undefined) throw new DoctorUsageError(`${o} needs a value`); return x; };
    if (o === '-f' || o === '--use-file') out.file = v();
    else if (o === '--realserver') out.realServers.push(v());
    else if (o === '--netns') out.ns = v();
    else if (o === '--json') out.json = true;
    else throw new DoctorUsageError(`unknown option '${o}'`);
  }
  return out;
}

export function formatFindings(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'doctor: no findings\n';
  return findings.map((f) => [
    `${f.severity.toUpperCase()} [${f.id}]${f.where ? ` ${f.where}` : ''}: ${f.what}`,
    `  why: ${f.why}`,
    `  fix: ${f.fix}`,
  ].join('\n')).join('\n\n') + '\n';
}

export async function runDoctorCommand(argv: string[]): Promise<number> {
  let args: DoctorArgs;
  try {
    args = parseDoctorArgs(argv);
  } catch (e) {
    if (e instanceof DoctorUsageError) { process.stderr.write(`ka-ts doctor: ${e.message}\n${DOCTOR_USAGE}`); return 3; }
    throw e;
  }
  let findings: Finding[];
  try {
    findings = await runDoctor({ file: args.file, realServers: args.realServers, ...(args.ns !== undefined ? { ns: args.ns } : {}) });
  } catch (e) {
    if (e instanceof ConfReadError) { process.stderr.write(`ka-ts doctor: ${e.message}\n`); return 3; }
    throw e;
  }
  process.stdout.write(args.json ? JSON.stringify({ findings, exitCode: exitCodeFor(findings) }, null, 2) + '\n' : formatFindings(findings));
  return exitCodeFor(findings);
}
