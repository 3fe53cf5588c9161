// bench:checks against keepalived: keepalived's checker cannot start on this machine (no ip_vs
// module), so this runs both checkers inside the IPVS test VM (test/vm/run.sh, real kernel IPVS,
// TCG emulation: absolute figures are ~10× the host's, the keepalived/ka-ts ratio is the result).
//   BENCH_CHECKS_VM_N        real servers (default 200)     BENCH_CHECKS_VM_SECONDS per side (default 20)
//   BENCH_CHECKS_VM_BUILD    build directory holding bench/ and src/ (default: this file's build root)

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const buildRoot = resolve(process.env.BENCH_CHECKS_VM_BUILD ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const repo = process.cwd();
const runSh = join(repo, 'test/vm/run.sh');
if (!existsSync(runSh)) throw new Error(`${runSh} not found: run from the repository root`);
const guest = relative(repo, join(buildRoot, 'bench/checks-vm-guest.js'));
if (guest.startsWith('..')) throw new Error(`build root ${buildRoot} must be inside the repository (${repo}), which is shared with the VM`);
const n = Number(process.env.BENCH_CHECKS_VM_N ?? 200);
const secs = Number(process.env.BENCH_CHECKS_VM_SECONDS ?? 20);
const cmd = `cd /mnt/host && N=${n} SECONDS_PER_SIDE=${secs} node ${guest}`;
const r = spawnSync(runSh, ['--with', 'node,keepalived', '--share', repo, '--timeout', String(120 + 3 * secs), '--cmd', cmd], { encoding: 'utf8' });
const line = (r.stdout ?? '').split('\n').find((l) => l.includes('CHECKS-VM '));
if (!line) {
  console.error(r.stdout?.slice(-3000), r.stderr?.slice(-2000));
  console.error(`checks-vm: no result from the VM (run.sh exit ${r.status})`);
  process.exit(1);
}
const res = JSON.parse(line.slice(line.indexOf('CHECKS-VM ') + 10)) as {
  realServers: number; secondsPerSide: number;
  keepalived: { cpuPct?: number; rssMiB?: number; checksPerSec?: number; error?: string };
  kats: { cpuPct: number; rssMiB: number; checksPerSec: number };
};
const k = res.keepalived;
console.log(`VM (TCG) ${res.realServers} TCP_CHECK real servers, delay_loop 1, ${res.secondsPerSide} s each:`);
console.log(`  keepalived -C : ${k.error ? `failed: ${k.error}` : `CPU ${k.cpuPct}%  RSS ${k.rssMiB} MiB  ${k.checksPerSec} checks/s`}`);
console.log(`  ka-ts checker : CPU ${res.kats.cpuPct}%  RSS ${res.kats.rssMiB} MiB  ${res.kats.checksPerSec} checks/s`);
if (!k.error && k.cpuPct) console.log(`  ratio ka-ts/keepalived: CPU ×${(res.kats.cpuPct / k.cpuPct).toFixed(1)}  RSS ×${(res.kats.rssMiB / (k.rssMiB ?? 1)).toFixed(1)}`);
console.log(JSON.stringify({ bench: 'checks-vm', ...res }));
