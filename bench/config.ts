// bench:config — `ka-ts -t` against `keepalived -t` on the same generated configurations (100,
// 1,000, 10,000 virtual_servers with 4 real_servers and a checker each, plus 50 vrrp_instances),
// in the same run. Each command runs as a fresh process (what an operator or CI job pays),
// BENCH_CONFIG_RUNS times (default 7), the two programs alternating so that a noisy neighbour hits
// both alike; the median and the fastest run are printed with their ratios, and the time per 1,000
// virtual servers (linearity).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateConfig } from './config-generate.js';

const SIZES = (process.env.BENCH_CONFIG_SIZES ?? '100,1000,10000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_CONFIG_RUNS ?? 7);
const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

interface Timed { ms: number; code: number | null }

function time(cmd: string, args: string[]): Timed {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 256 * 1024 * 1024, timeout: 600_000 });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, code: r.status };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * As root, both commands run in a private network namespace holding an `eth0` (a veth
 * end), so the generated vrrp_instances name an interface that exists and both config tests
 * are clean; otherwise they run on the host against `lo` (both then report the loopback).
 */
function setUpNamespace(): { prefix: string[]; iface: string; cleanup: () => void } {
  if (process.getuid?.() !== 0) return { prefix: [], iface: 'lo', cleanup: () => {} };
  const ns = `kt-benchcfg-${process.pid}-1`;
  const ok = spawnSync('ip', ['netns', 'add', ns]).status === 0 &&
    spawnSync('ip', ['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'kvp1']).status === 0 &&
    spawnSync('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']).status === 0;
  const cleanup = (): void => {
    spawnSync('ip', ['netns', 'del', ns]);
  };
  if (!ok) {
    cleanup();
    return { prefix: [], iface: 'lo', cleanup: () => {} };
  }
  return { prefix: ['ip', 'netns', 'exec', ns], iface: 'eth0', cleanup };
}

function haveKeepalived(): boolean {
  return spawnSync('keepalived', ['--version'], { stdio: 'ignore' }).status === 0;
}

const dir = mkdtempSync(join(tmpdir(), 'kats-bench-config-'));
const env = setUpNamespace();
const run = (cmd: string, args: string[]): Timed => (env.prefix.length ? time(env.prefix[0]!, [...env.prefix.slice(1), cmd, ...args]) : time(cmd, args));
try {
  const ka = haveKeepalived();
  console.log(`bench:config — ${RUNS} runs each, median wall time of a fresh process, interface ${env.iface}${ka ? '' : ' (keepalived not installed: ka-ts only)'}`);
  console.log('virtual_servers  ka-ts ms (exit)  keepalived ms (exit)  ka-ts/keepalived  ka-ts ms per 1k VS  fastest: ka-ts  keepalived  ratio');
  for (const n of SIZES) {
    const file = join(dir, `bench-${n}.conf`);
    writeFileSync(file, generateConfig(n, env.iface));
    const ours: Timed[] = [];
    const theirs: Timed[] = [];
    for (let i = 0; i < RUNS; i++) {
      ours.push(run(process.execPath, [MAIN, '-t', '-f', file]));
      if (ka) theirs.push(run('keepalived', ['-t', '-f', file, '-p', join(dir, 'k.pid'), '-r', join(dir, 'v.pid'), '-c', join(dir, 'c.pid')]));
    }
    const o = median(ours.map((t) => t.ms));
    const k = ka ? median(theirs.map((t) => t.ms)) : NaN;
    const oMin = Math.min(...ours.map((t) => t.ms));
    const kMin = ka ? Math.min(...theirs.map((t) => t.ms)) : NaN;
    console.log([
      String(n).padStart(15),
      `${o.toFixed(0)} (${ours[0]!.code})`.padStart(15),
      (ka ? `${k.toFixed(0)} (${theirs[0]!.code})` : '-').padStart(21),
      (ka ? (o / k).toFixed(2) : '-').padStart(17),
      ((o / n) * 1000).toFixed(0).padStart(19),
      oMin.toFixed(0).padStart(15),
      (ka ? kMin.toFixed(0) : '-').padStart(11),
      (ka ? (oMin / kMin).toFixed(2) : '-').padStart(6),
    ].join(' '));
  }
} finally {
  env.cleanup();
  rmSync(dir, { recursive: true, force: true });
}
