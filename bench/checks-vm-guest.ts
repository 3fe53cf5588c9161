// Runs INSIDE the IPVS test VM (test/vm, real kernel IPVS): keepalived 2.2.7's checker (-C)
// and the ka-ts checker process, one after the other, on the same N TCP_CHECK real servers
// (delay_loop 1) against listeners this process opens on 127.0.0.1. Both are measured the same
// way, from /proc/PID/stat and /proc/PID/status, plus the connections the listeners accepted.
// Started by bench/checks-vm.ts; prints one JSON line prefixed "CHECKS-VM ".

import { fork, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import type { VirtualServerSpec } from '../src/check/spec.js';

const N = Number(process.env.N ?? 200);
const SECONDS = Number(process.env.SECONDS_PER_SIDE ?? 20);
const BASE_PORT = 20000;
const TICK = 100; // CLK_TCK on Linux x86-64

let accepted = 0;
const servers: net.Server[] = [];
for (let i = 0; i < N; i++) {
  const s = net.createServer((c) => { accepted += 1; c.on('error', () => {}); c.end(); });
  await new Promise<void>((r) => s.listen(BASE_PORT + i, '127.0.0.1', r));
  servers.push(s);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function sample(pid: number): { cpuS: number; rssKiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuS = (Number(f[11]) + Number(f[12])) / TICK; // utime + stime
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuS, rssKiB: Number(rss?.[1] ?? 0) };
}

async function measure(pid: number): Promise<{ cpuPct: number; rssMiB: number; checksPerSec: number }> {
  const a = sample(pid);
  const c0 = accepted;
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  const b = sample(pid);
  const wall = (performance.now() - t0) / 1000;
  return { cpuPct: Math.round(((b.cpuS - a.cpuS) / wall) * 1000) / 10, rssMiB: Math.round(b.rssKiB / 102.4) / 10, checksPerSec: Math.round((accepted - c0) / wall) };
}

// keepalived -C on the equivalent keepalived.conf.
const rsBlocks = Array.from({ length: N }, (_, i) => `  real_server 127.0.0.1 ${BASE_PORT + i} {\n    weight 1\n    TCP_CHECK {\n      connect_timeout 5\n    }\n  }`).join('\n');
writeFileSync('/tmp/checks-vm.conf', `global_defs {\n  router_id checksvm\n}\nvirtual_server 10.0.0.1 80 {\n  delay_loop 1\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n${rsBlocks}\n}\n`);
const ka = spawn('keepalived', ['-C', '-n', '-f', '/tmp/checks-vm.conf', '-p', '/tmp/checks-vm.pid', '-c', '/tmp/checks-vm-c.pid'], { stdio: 'ignore' });
await sleep(4000); // bootstrap 1 s + warmup up to delay_loop, with TCG slack
let keepalived: Record<string, number> | { error: string };
try {
  const checkerPid = Number(readFileSync('/tmp/checks-vm-c.pid', 'utf8').trim());
  keepalived = await measure(checkerPid);
} catch (err) {
  keepalived = { error: String((err as Error).message) };
}
ka.kill('SIGTERM');
await new Promise((r) => ka.once('exit', r));

// The ka-ts checker process on the same real servers.
const spec: VirtualServerSpec = {
  id: 'TCP:10.0.0.1:80', quorum: 1, hysteresis: 0, alpha: false, omega: false, haSuspend: false,
  realServers: Array.from({ length: N }, (_, i) => ({
    address: '127.0.0.1', port: BASE_PORT + i, weight: 1, inhibitOnFailure: false,
    checkers: [{ probe: { type: 'TCP_CHECK' as const, connect: { host: '127.0.0.1', port: BASE_PORT + i, timeoutMs: 5000 } }, timing: { delayLoopMs: 1000, retry: 1, delayBeforeRetryMs: 1000, warmupMs: 1000, alpha: false } }],
  })),
};
const worker = fork(new URL('./checks-worker.js', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
await new Promise<void>((resolve) => { worker.on('message', (m: { type: string }) => { if (m.type === 'started') resolve(); }); worker.send({ cmd: 'start', specs: [spec], maxConcurrent: 1024 }); });
await sleep(4000);
const kats = await measure(worker.pid!);
worker.send({ cmd: 'stop' });
await new Promise((r) => worker.once('exit', r));

for (const s of servers) s.close();
console.log(`CHECKS-VM ${JSON.stringify({ realServers: N, secondsPerSide: SECONDS, keepalived, kats })}`);
