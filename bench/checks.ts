// bench:checks — the checker process under load: N real servers with TCP_CHECK (1,000 and 5,000)
// and 500 with HTTP_GET, delay_loop 1 s, against listeners this script starts on distinct
// loopback addresses (127.10.x.y / 127.20.x.y). While it runs, real servers are taken down
// (listener closed) one after another; the time from closing to the checker's rs-down event is
// the detection time. Prints the checker process's CPU share of one core, RSS, probes/s and the
// median / p99 detection time against keepalived's bound delay_loop + retry × delay_before_retry
// + connect_timeout.
//   BENCH_CHECKS_SECONDS   measured seconds per scenario (default 60)
//   BENCH_CHECKS_SCENARIOS comma list of tcp1000, tcp5000, http500 (default all three)
//   BENCH_CHECKS_PROBE     noop: probes pass at once without I/O (the checker's own overhead)
//   BENCH_WORKER_ARGS      node flags for the checker process (e.g. --cpu-prof, --perf-basic-prof)

import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import net from 'node:net';
import { loadavg } from 'node:os';
import type { VirtualServerSpec, RealServerSpec, CheckerSpec } from '../src/check/spec.js';

const SECONDS = Number(process.env.BENCH_CHECKS_SECONDS ?? 60);
const SCENARIOS = (process.env.BENCH_CHECKS_SCENARIOS ?? 'tcp1000,tcp5000,http500').split(',').map((s) => s.trim()).filter(Boolean);
const DELAY_LOOP = 1000;
const RETRY = 1;
const DELAY_BEFORE_RETRY = 1000; // keepalived's default for TCP_CHECK
const CONNECT_TIMEOUT = 5000; // keepalived's default
const PORT = 18080;

interface Target { address: string; server?: net.Server | http.Server; make: () => net.Server | http.Server }

// 250 hosts per /24 keep clear of .0 and .255.
const addressOf = (base: number, i: number): string => `127.${base}.${Math.floor(i / 250)}.${(i % 250) + 1}`;

function listen(t: Target): Promise<void> {
  const s = t.make();
  t.server = s;
  return new Promise((resolve, reject) => { s.once('error', reject); s.listen({ port: PORT, host: t.address, backlog: 511 }, () => resolve()); });
}

function close(t: Target): Promise<void> {
  const s = t.server;
  t.server = undefined;
  if (!s) return Promise.resolve();
  if (s instanceof http.Server) s.closeAllConnections();
  return new Promise((r) => s.close(() => r()));
}

const tcpServer = (): net.Server => net.createServer((c) => { c.on('error', () => {}); c.end(); });
const httpServer = (): http.Server => {
  const s = http.createServer((_q, r) => { r.writeHead(200, { 'content-type': 'text/plain' }); r.end('ok\n'); });
  s.keepAliveTimeout = 1000;
  return s;
};

function buildSpec(kind: 'tcp' | 'http', targets: Target[]): VirtualServerSpec {
  const timing = { delayLoopMs: DELAY_LOOP, retry: RETRY, delayBeforeRetryMs: DELAY_BEFORE_RETRY, warmupMs: DELAY_LOOP, alpha: false };
  const realServers: RealServerSpec[] = targets.map((t) => {
    const connect = { host: t.address, port: PORT, timeoutMs: CONNECT_TIMEOUT };
    const check: CheckerSpec = kind === 'tcp'
      ? { probe: { type: 'TCP_CHECK', connect }, timing }
      : { probe: { type: 'HTTP_GET', connect, urls: [{ path: '/', statusCodes: [] }] }, timing: { ...timing, delayBeforeRetryMs: DELAY_BEFORE_RETRY } };
    return { address: t.address, port: PORT, weight: 1, inhibitOnFailure: false, checkers: [check] };
  });
  return { id: `bench-${kind}`, quorum: 1, hysteresis: 0, alpha: false, omega: false, haSuspend: false, realServers };
}

const FLOOR_SOURCE = fileURLToPath(new URL('../../bench/tcp-check-floor.c', import.meta.url));

interface Floor { checks: number; failures: number; wallMs: number; userMs: number; systemMs: number }

/**
 * The peer figure for TCP_CHECK: bench/tcp-check-floor.c makes keepalived's system calls for each
 * check at the same rate against the same listeners, and nothing else (keepalived's own checker
 * exits at start on a kernel without IPVS). Undefined when no C compiler is installed.
 */
function runFloor(addresses: string[], seconds: number): Floor | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'kats-floor-'));
  try {
    const bin = join(dir, 'tcp-check-floor');
    if (spawnSync('cc', ['-O2', '-o', bin, FLOOR_SOURCE], { stdio: 'ignore' }).status !== 0) return undefined;
    const r = spawnSync(bin, [String(PORT), String(seconds)], { input: addresses.join('\n') + '\n', encoding: 'utf8' });
    return r.status === 0 ? (JSON.parse(r.stdout) as Floor) : undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pct = (xs: number[], p: number): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

interface Usage { cpu: NodeJS.CpuUsage; wall: number; rss: number; maxRss: number; counters?: { probes: number; scheduler: { maxLatenessMs: number; totalLatenessMs: number; started: number } } }

function ask<T>(child: ChildProcess, cmd: object, type: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { type: string }): void => { if (m.type === type) { child.off('message', on); resolve(m as T); } };
    child.on('message', on);
    child.send(cmd);
  });
}

async function scenario(name: string): Promise<Record<string, number | string>> {
  const m = /^(tcp|http)(\d+)$/.exec(name);
  if (!m) throw new Error(`unknown scenario "${name}" (expected tcp1000, tcp5000, http500, …)`);
  const kind = m[1] as 'tcp' | 'http';
  const n = Number(m[2]);
  const targets: Target[] = Array.from({ length: n }, (_, i) => ({ address: addressOf(kind === 'tcp' ? 10 : 20, i), make: kind === 'tcp' ? tcpServer : httpServer }));
  for (const t of targets) await listen(t);

  // BENCH_WORKER_ARGS passes node flags to the checker process (e.g. "--cpu-prof --cpu-prof-dir=DIR").
  const child = fork(new URL('./checks-worker.js', import.meta.url), [], { execArgv: process.env.BENCH_WORKER_ARGS?.split(' ').filter(Boolean) ?? [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const downAt = new Map<string, number>();
  const upWait = new Map<string, number>();
  const detections: number[] = [];
  const recoveries: number[] = [];
  const byId = new Map(targets.map((t) => [`${t.address}:${PORT}`, t]));
  child.on('message', (msg: { type: string; kind?: string; rs?: string }) => {
    if (msg.type !== 'event' || !msg.rs) return;
    const now = performance.now();
    if (msg.kind === 'rs-down' && downAt.has(msg.rs)) {
      detections.push(now - downAt.get(msg.rs)!);
      downAt.delete(msg.rs);
      const t = byId.get(msg.rs)!;
      upWait.set(msg.rs, performance.now());
      void listen(t);
    } else if (msg.kind === 'rs-up' && upWait.has(msg.rs)) {
      recoveries.push(now - upWait.get(msg.rs)!);
      upWait.delete(msg.rs);
    }
  });
  await ask(child, { cmd: 'start', specs: [buildSpec(kind, targets)], maxConcurrent: 1024 }, 'started');
  // Let the warmup window pass (bootstrap 1 s + warmup = delay_loop) before measuring.
  await new Promise((r) => setTimeout(r, 1000 + DELAY_LOOP + 500));
  const u0 = await ask<Usage>(child, { cmd: 'usage' }, 'usage');
  const parentCpu0 = process.cpuUsage();
  const endAt = performance.now() + SECONDS * 1000;
  let victims = 0;
  // Take a server down every 500 ms (never one already in flux), until the window ends.
  while (performance.now() < endAt) {
    const pick = targets[Math.floor(Math.random() * targets.length)]!;
    const id = `${pick.address}:${PORT}`;
    if (pick.server && !downAt.has(id) && !upWait.has(id)) {
      await close(pick);
      downAt.set(id, performance.now());
      victims += 1;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const u1 = await ask<Usage>(child, { cmd: 'usage' }, 'usage');
  const parentCpu = process.cpuUsage(parentCpu0);
  const load1 = loadavg()[0]!;
  // Give the last victims the full bound to be detected.
  const bound = DELAY_LOOP + RETRY * DELAY_BEFORE_RETRY + CONNECT_TIMEOUT;
  const waitUntil = performance.now() + bound + 1000;
  while (downAt.size && performance.now() < waitUntil) await new Promise((r) => setTimeout(r, 100));
  await ask(child, { cmd: 'stop' }, 'stopped');
  // The peer runs after the checker, alone, against the same (all listening again) servers.
  for (const t of targets) if (!t.server) await listen(t);
  const floor = kind === 'tcp' ? runFloor(targets.map((t) => t.address), Math.min(SECONDS, 20)) : undefined;
  for (const t of targets) await close(t);

  const wall = u1.wall - u0.wall;
  const cpuMs = (u1.cpu.user - u0.cpu.user + u1.cpu.system - u0.cpu.system) / 1000;
  const floorPct = floor ? Math.round(((floor.userMs + floor.systemMs) / floor.wallMs) * 1000) / 10 : NaN;
  const cpuPct = Math.round((cpuMs / wall) * 1000) / 10;
  const probes = (u1.counters?.probes ?? 0) - (u0.counters?.probes ?? 0);
  const started = (u1.counters?.scheduler.started ?? 0) - (u0.counters?.scheduler.started ?? 0);
  const lateMs = (u1.counters?.scheduler.totalLatenessMs ?? 0) - (u0.counters?.scheduler.totalLatenessMs ?? 0);
  return {
    scenario: name,
    realServers: n,
    seconds: Math.round(wall / 100) / 10,
    probesPerSec: Math.round(probes / (wall / 1000)),
    cpuPctOfOneCore: cpuPct,
    userPct: Math.round(((u1.cpu.user - u0.cpu.user) / 1000 / wall) * 1000) / 10,
    systemPct: Math.round(((u1.cpu.system - u0.cpu.system) / 1000 / wall) * 1000) / 10,
    rssMiB: Math.round(u1.rss / 1048576),
    maxRssMiB: Math.round(u1.maxRss / 1048576),
    meanStartLatenessMs: started ? Math.round((lateMs / started) * 10) / 10 : 0,
    downs: victims,
    detected: detections.length,
    undetected: downAt.size,
    detectMedianMs: Math.round(pct(detections, 50)),
    detectP99Ms: Math.round(pct(detections, 99)),
    detectMaxMs: Math.round(Math.max(...detections)),
    boundMs: bound,
    recoverMedianMs: Math.round(pct(recoveries, 50)),
    ...(floor ? {
      floorChecksPerSec: Math.round(floor.checks / (floor.wallMs / 1000)),
      floorCpuPct: floorPct,
      floorUserPct: Math.round((floor.userMs / floor.wallMs) * 1000) / 10,
      floorSystemPct: Math.round((floor.systemMs / floor.wallMs) * 1000) / 10,
      ratioToFloor: Math.round((cpuPct / floorPct) * 100) / 100,
    } : {}),
    // Context for the figures above: the listeners (this process) share the machine's cores.
    listenerCpuPct: Math.round(((parentCpu.user + parentCpu.system) / 1000 / wall) * 1000) / 10,
    loadAvg1: Math.round(load1 * 100) / 100,
  };
}

const results: Array<Record<string, number | string>> = [];
for (const s of SCENARIOS) {
  const r = await scenario(s);
  results.push(r);
  console.log(`${String(r.scenario).padEnd(8)} rs=${r.realServers} ${r.seconds}s  ${r.probesPerSec} probes/s  CPU ${r.cpuPctOfOneCore}% of one core (user ${r.userPct}%, kernel ${r.systemPct}%)  RSS ${r.rssMiB} MiB (max ${r.maxRssMiB})  ` +
    `down→event median ${r.detectMedianMs} ms p99 ${r.detectP99Ms} ms max ${r.detectMaxMs} ms (bound ${r.boundMs} ms; ${r.detected}/${r.downs} detected)  recover median ${r.recoverMedianMs} ms  start lateness ${r.meanStartLatenessMs} ms  [listeners ${r.listenerCpuPct}% CPU, load ${r.loadAvg1}]`);
  if (r.floorCpuPct !== undefined) {
    console.log(`${''.padEnd(8)} peer: keepalived's TCP_CHECK system calls alone (bench/tcp-check-floor.c), ${r.floorChecksPerSec} checks/s: CPU ${r.floorCpuPct}% (user ${r.floorUserPct}%, kernel ${r.floorSystemPct}%); ka-ts/peer ${r.ratioToFloor}`);
  }
}
console.log(JSON.stringify({ bench: 'checks', results }));
console.log('keepalived -C itself is not run here: keepalived 2.2.7\'s checker exits at start without the ip_vs kernel module ("IPVS: Can\'t initialize ipvs", permanent error FATAL); the peer line runs its TCP_CHECK system calls instead (npm run bench:checks-vm compares with keepalived under QEMU).');
