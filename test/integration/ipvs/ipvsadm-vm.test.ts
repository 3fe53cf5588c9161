// The ipvsadm backend against a REAL kernel IPVS: this machine's kernel has none, so the job
// (test/vm/ipvsadm-backend-job.ts, compiled next to this file's tree) runs inside a QEMU guest
// booting Debian's kernel (test/vm/run.sh, README in /work/shared/ipvs-vm), with this repository
// shared over 9p. One boot; the job prints a verdict per check, asserted here one by one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rootSkipReason } from '../lib/netns.js';

const root = process.cwd();
const runSh = join(root, 'test/vm/run.sh');
const vmWork = process.env.IPVSVM_WORK ?? '/var/tmp/ipvs-vm';
// this file: <root>/<outDir>/test/integration/ipvs/ipvsadm-vm.test.js → job: <root>/<outDir>/test/vm/ipvsadm-backend-job.js
const job = join(dirname(fileURLToPath(import.meta.url)), '../../vm/ipvsadm-backend-job.js');

function skipReason(): string | undefined {
  const notRoot = rootSkipReason();
  if (notRoot) return notRoot;
  try {
    execFileSync('sh', ['-c', 'command -v qemu-system-x86_64'], { stdio: 'ignore' });
  } catch {
    return 'qemu-system-x86_64 not installed (Debian package qemu-system-x86; test/vm/build-initramfs.sh installs it and builds the VM)';
  }
  if (!existsSync(job)) return `compiled VM job missing: ${job}`;
  return undefined;
}

interface Check { name: string; ok: boolean; detail?: string }

test('ipvsadm backend programs and reads back real kernel IPVS (QEMU guest): every scheduler, method, persistence, fwmark, group, IPv6', { skip: skipReason(), timeout: 300_000 }, async () => {
  // build the VM on first use (kernel .deb + initramfs, ~20 s; a no-op lock-protected check afterwards)
  if (!existsSync(join(vmWork, 'out/node.cpio.zst')) || !existsSync(join(vmWork, 'out/base.cpio.gz'))) {
    execFileSync(join(root, 'test/vm/build-initramfs.sh'), ['--no-keepalived'], { stdio: 'inherit' });
  }
  const cmd = `cd /mnt/host && node ${relative(root, job)}`;
  const vm = spawn(runSh, ['--with', 'node', '--share', root, '--timeout', '240', '--cmd', cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
  let console_ = '';
  vm.stdout.on('data', (d: Buffer) => { console_ += d.toString(); });
  vm.stderr.on('data', (d: Buffer) => { console_ += d.toString(); });
  const code = await new Promise<number>((resolve) => vm.on('close', (c) => resolve(c ?? 1)));
  const line = console_.split('\n').find((l) => l.startsWith('IPVS-JOB-RESULT '));
  assert.ok(line, `the VM job printed no result (run.sh exit ${code}):\n${console_.slice(-4000)}`);
  const checks = JSON.parse(line.slice('IPVS-JOB-RESULT '.length)) as Check[];
  assert.ok(checks.length >= 25, `only ${checks.length} checks ran`);
  for (const c of checks) assert.ok(c.ok, `${c.name}: ${c.detail ?? ''}`);
  assert.equal(code, 0, `run.sh exit ${code}`);
});
