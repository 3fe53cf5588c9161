// The ipvsadm backend, the checker → IPVS path and keepalived.conf → IPVS against a REAL kernel
// IPVS: this machine's kernel has none, so three jobs (test/vm/ipvsadm-backend-job.ts,
// checker-ipvs-job.ts and config-ipvs-job.ts, compiled next to this file's tree) run inside ONE boot of a QEMU guest with Debian's kernel
// (test/vm/run.sh; README in /work/shared/ipvs-vm), this repository shared over 9p. Each job
// prints a verdict per check, asserted here one by one.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rootSkipReason } from '../lib/netns.js';

const root = process.cwd();
const vmWork = process.env.IPVSVM_WORK ?? '/var/tmp/ipvs-vm';
// this file: <root>/<outDir>/test/integration/ipvs/ → jobs: <root>/<outDir>/test/vm/
const jobDir = join(dirname(fileURLToPath(import.meta.url)), '../../vm');
const jobs = { backend: join(jobDir, 'ipvsadm-backend-job.js'), checker: join(jobDir, 'checker-ipvs-job.js'), config: join(jobDir, 'config-ipvs-job.js') };

function skipReason(): string | undefined {
  const notRoot = rootSkipReason();
  if (notRoot) return notRoot;
  try {
    execFileSync('sh', ['-c', 'command -v qemu-system-x86_64'], { stdio: 'ignore' });
  } catch {
    return 'qemu-system-x86_64 not installed (Debian package qemu-system-x86; test/vm/build-initramfs.sh installs it and builds the VM)';
  }
  for (const j of Object.values(jobs)) if (!existsSync(j)) return `compiled VM job missing: ${j}`;
  return undefined;
}

interface Check { name: string; ok: boolean; detail?: string }
const skip = skipReason();
let console_ = '';
let exitCode = -1;

before(async () => {
  if (skip) return;
  // build the VM on first use (kernel .deb + initramfs, ~20 s; later runs find it built)
  if (!existsSync(join(vmWork, 'out/node.cpio.zst')) || !existsSync(join(vmWork, 'out/base.cpio.gz'))) {
    execFileSync(join(root, 'test/vm/build-initramfs.sh'), ['--no-keepalived'], { stdio: 'inherit' });
  }
  const cmd = `cd /mnt/host && node ${relative(root, jobs.backend)}; a=$?; node ${relative(root, jobs.checker)}; b=$?; node ${relative(root, jobs.config)}; c=$?; [ $a = 0 ] && [ $b = 0 ] && [ $c = 0 ]`;
  const vm = spawn(join(root, 'test/vm/run.sh'), ['--with', 'node', '--share', root, '--timeout', '300', '--cmd', cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
  vm.stdout.on('data', (d: Buffer) => { console_ += d.toString(); });
  vm.stderr.on('data', (d: Buffer) => { console_ += d.toString(); });
  exitCode = await new Promise<number>((resolve) => vm.on('close', (c) => resolve(c ?? 1)));
});

function verdicts(tag: string): Check[] {
  const line = console_.split('\n').find((l) => l.startsWith(`${tag} `));
  assert.ok(line, `the VM printed no ${tag} line (run.sh exit ${exitCode}):\n${console_.slice(-4000)}`);
  return JSON.parse(line.slice(tag.length + 1)) as Check[];
}

test('ipvsadm backend programs and reads back real kernel IPVS: every scheduler, method, persistence, fwmark, group, IPv6, timeouts, sync daemon, failures, drift, adopt, release', { skip, timeout: 400_000 }, () => {
  const checks = verdicts('IPVS-JOB-RESULT');
  assert.ok(checks.length >= 30, `only ${checks.length} checks ran`);
  for (const c of checks) assert.ok(c.ok, `${c.name}: ${c.detail ?? ''}`);
});

test('ka-ts checker (TCP_CHECK, alpha) drives real kernel IPVS through the controller: add, remove on failure, re-add, release', { skip, timeout: 400_000 }, () => {
  const checks = verdicts('IPVS-CHECKER-RESULT');
  assert.ok(checks.length >= 6, `only ${checks.length} checks ran`);
  for (const c of checks) assert.ok(c.ok, `${c.name}: ${c.detail ?? ''}`);
  assert.equal(exitCode, 0, `run.sh exit ${exitCode}`);
});

test('keepalived.conf → real kernel IPVS: thresholds, tunnel options (inherited and own), a real server\'s own method', { skip, timeout: 400_000 }, () => {
  const checks = verdicts('IPVS-CONFIG-RESULT');
  assert.ok(checks.length >= 7, `only ${checks.length} checks ran`);
  for (const c of checks) assert.ok(c.ok, `${c.name}: ${c.detail ?? ''}`);
  assert.equal(exitCode, 0, `run.sh exit ${exitCode}`);
});
