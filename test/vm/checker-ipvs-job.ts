// Runs INSIDE the IPVS test VM, after ipvsadm-backend-job: the ka-ts checker (CheckerService,
// TCP_CHECK with alpha) against real TCP servers this job starts, its pools fed to the
// IpvsController with the auto backend (→ ipvsadm, real kernel IPVS) — the same path as the
// guest's keepalived-checker job. Prints `IPVS-CHECKER-RESULT {json}`; exit 0 only if all passed.
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { CheckerService } from '../../src/check/service.js';
import type { VirtualServerSpec as CheckVs } from '../../src/check/spec.js';
import { IpvsController } from '../../src/ipvs/controller.js';
import { ipvsadmLine } from '../../src/ipvs/ipvsadm-format.js';
import type { IpvsLogger } from '../../src/ipvs/reconciler.js';
import type { VirtualServerSpec } from '../../src/ipvs/spec.js';

interface Check { name: string; ok: boolean; detail?: string }
const checks: Check[] = [];
const check = (name: string, ok: boolean, detail?: unknown): void => {
  checks.push({ name, ok, ...(ok ? {} : { detail: typeof detail === 'string' ? detail : JSON.stringify(detail) }) });
};
const save = (): string => execFileSync('ipvsadm', ['-S', '-n'], { encoding: 'utf8' });
const log: IpvsLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

const VS_ID = 'TCP:10.0.0.1:80';
const RS = [{ address: '127.0.0.2', port: 8081 }, { address: '127.0.0.3', port: 8082 }];

function listen(rs: { address: string; port: number }): Promise<Server> {
  return new Promise((resolve, reject) => {
    // TCP_CHECK closes with a RST, as keepalived does (SO_LINGER 0): a reset is normal here.
    const s = createServer((c) => { c.on('error', () => undefined); c.end(); });
    s.once('error', reject);
    s.listen(rs.port, rs.address, () => resolve(s));
  });
}

async function waitUntil(what: string, probe: () => boolean, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (probe()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  check(`${what} (within ${ms} ms)`, false, save());
  return false;
}

async function main(): Promise<void> {
  const servers = await Promise.all(RS.map(listen));
  const timing = { delayLoopMs: 1000, retry: 0, delayBeforeRetryMs: 500, warmupMs: 0, alpha: true };
  const checkVs: CheckVs = {
    id: VS_ID, quorum: 1, hysteresis: 0, alpha: true, omega: false, haSuspend: false,
    realServers: RS.map((r) => ({ ...r, weight: 2, inhibitOnFailure: false, checkers: [{ probe: { type: 'TCP_CHECK', connect: { host: r.address, port: r.port, timeoutMs: 2000 } }, timing }] })),
  };
  const ipvsVs: VirtualServerSpec = {
    id: VS_ID, target: { kind: 'addr', address: '10.0.0.1', port: 80 }, protocol: 'tcp', scheduler: 'wlc',
    realServers: RS.map((r) => ({ ...r, weight: 2, method: 'route' as const })),
  };
  const ctl = await IpvsController.create({ backend: 'auto', log, driftIntervalMs: 0 });
  check('auto backend is ipvsadm', ctl.backendName === 'ipvsadm', ctl.backendReason);
  const checker = new CheckerService([checkVs], { bootstrapDelayMs: 200 });
  const pools = () => new Map(checker.pool().map((p) => [p.vs, p]));
  checker.on('event', () => { void ctl.update({ pools: pools() }); });
  checker.start();
  const first = await ctl.start({ virtualServers: [ipvsVs], pools: pools() });
  // Judged by the start pass itself: checks that pass meanwhile have a next pass adding the servers
  // at once (it no longer re-reads the table first), so the kernel may already have them.
  const programmed = first.changes.map(ipvsadmLine);
  check('service programmed at start, alpha servers not yet in', programmed.join('\n') === '-A -t 10.0.0.1:80 -s wlc' && first.outcomes.every((o) => o.status === 'ok'), programmed);
  check('service in the kernel', save().includes('-A -t 10.0.0.1:80 -s wlc'), save());

  // DR: the kernel keeps the service port for the destination
  const has = (i: number) => save().includes(`-a -t 10.0.0.1:80 -r ${RS[i]!.address}:80 -g -w 2`);
  if (await waitUntil('passing checks add both real servers', () => has(0) && has(1), 20_000)) check('passing checks add both real servers', true);

  await new Promise<void>((r) => servers[1]!.close(() => r()));
  if (await waitUntil('a failing check removes the real server', () => has(0) && !has(1), 20_000)) check('a failing check removes the real server', true);

  servers[1] = await listen(RS[1]!);
  if (await waitUntil('recovery adds it back', () => has(0) && has(1), 20_000)) check('recovery adds it back', true);

  checker.stop();
  await ctl.stop();
  check('stop clears ka-ts services', save().trim() === '', save());
  for (const s of servers) s.close();
}

main().catch((e: unknown) => check('job ran to the end', false, (e as Error).stack ?? String(e))).finally(() => {
  console.log(`IPVS-CHECKER-RESULT ${JSON.stringify(checks)}`);
  process.exitCode = checks.length > 0 && checks.every((c) => c.ok) ? 0 : 1;
  // ping sessions or sockets of the checker must not keep the guest job alive
  setTimeout(() => process.exit(), 200).unref();
});
