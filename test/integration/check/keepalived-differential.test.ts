// Differential test against the real keepalived 2.2.7 checker: the same four virtual servers
// (non-alpha; alpha with a sorry server; first failure with retry 3; quorum 2 with hysteresis)
// run under `keepalived -C` inside the IPVS test VM (keepalived needs kernel IPVS, which this
// machine lacks) and under ka-ts's CheckerService on loopback. A server is killed half-way. The
// per-virtual-server sequence of quorum / sorry-server / real-server transitions must match
// keepalived's log line for line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckerService } from '../../../src/check/service.js';
import type { HealthEvent } from '../../../src/check/events.js';
import type { CheckerSpec, RealServerSpec, VirtualServerSpec } from '../../../src/check/spec.js';
import { rootSkipReason } from '../lib/netns.js';

const root = process.cwd();
const vmWork = process.env.IPVSVM_WORK ?? '/var/tmp/ipvs-vm';

function skipReason(): string | undefined {
  const notRoot = rootSkipReason();
  if (notRoot) return notRoot;
  if (!existsSync(join(root, 'test/vm/run.sh'))) return 'test/vm/run.sh missing';
  try {
    execFileSync('sh', ['-c', 'command -v qemu-system-x86_64'], { stdio: 'ignore' });
  } catch {
    return 'qemu-system-x86_64 not installed (test/vm/build-initramfs.sh installs it and builds the VM)';
  }
  return undefined;
}

type Step = string; // "<vs> <transition>"

const KEEPALIVED_CONF = `global_defs { router_id kt_diff }
virtual_server 10.0.0.1 80 {
  delay_loop 1
  lb_kind NAT
  protocol TCP
  real_server 192.0.2.1 80 { TCP_CHECK { connect_timeout 1 } }
}
virtual_server 10.0.0.2 80 {
  delay_loop 1
  lb_kind NAT
  protocol TCP
  alpha
  sorry_server 192.0.2.9 80
  real_server 192.0.2.1 80 { TCP_CHECK { connect_timeout 1 } }
}
virtual_server 10.0.0.3 80 {
  delay_loop 1
  lb_kind NAT
  protocol TCP
  real_server 192.0.2.2 82 { TCP_CHECK { connect_timeout 1 retry 3 } }
}
virtual_server 10.0.0.4 80 {
  delay_loop 1
  lb_kind NAT
  protocol TCP
  alpha
  quorum 2
  hysteresis 1
  real_server 192.0.2.1 80 {
    weight 2
    TCP_CHECK { connect_timeout 1 }
  }
  real_server 192.0.2.2 83 {
    weight 1
    TCP_CHECK { connect_timeout 1 }
  }
}
virtual_server 10.0.0.5 80 {
  delay_loop 1
  lb_kind NAT
  protocol TCP
  real_server 192.0.2.1 80 {
    inhibit_on_failure
    TCP_CHECK { connect_timeout 1 }
  }
}
virtual_server 10.0.0.6 80 {
  delay_loop 1
  lb_kind NAT
  protocol TCP
  quorum 2
  real_server 192.0.2.1 80 {
    TCP_CHECK { connect_timeout 1 }
  }
  real_server 192.0.2.2 84 {
    TCP_CHECK { connect_timeout 1 }
  }
}
virtual_server 10.0.0.7 80 {
  delay_loop 1
  lb_kind NAT
  protocol TCP
  alpha
  sorry_server 192.0.2.9 80
  sorry_server_inhibit
  real_server 192.0.2.1 80 {
    TCP_CHECK { connect_timeout 1 }
  }
}
virtual_server 10.0.0.8 80 {
  delay_loop 1
  lb_kind NAT
  protocol TCP
  quorum 3
  real_server 192.0.2.3 80 {
    MISC_CHECK {
      misc_path "MISC_SCRIPT 7"
      misc_dynamic
    }
  }
}
`;

// httpd serves 192.0.2.1:80 and dies 5 s after keepalived starts; nothing listens on :82/:83.
const JOB = `#!/bin/bash
ip link add d0 type dummy; ip link set d0 up
ip addr add 192.0.2.1/24 dev d0; ip addr add 192.0.2.2/24 dev d0
mkdir -p /tmp/www; echo ok > /tmp/www/index.html
busybox httpd -f -p 192.0.2.1:80 -h /tmp/www & H=$!
keepalived -C -n -l -f /mnt/host/k.conf -p /tmp/k.pid -c /tmp/kc.pid > /tmp/ka.log 2>&1 & K=$!
sleep 5; kill $H; sleep 6; kill $K; sleep 2
sed 's/^/KALOG /' /tmp/ka.log
`;

/** keepalived log lines → "<vs> <transition>" (start-up adds of live servers are silent in keepalived). */
function fromKeepalivedLog(log: string): Step[] {
  const out: Step[] = [];
  const vsOf = (l: string): string => /VS \[([\d.]+)\]:tcp:80/.exec(l)?.[1] ?? '?';
  const rsOf = (l: string): string => /service \[([\d.]+)\]:tcp:(\d+)/.exec(l)!.slice(1).join(':');
  for (const raw of log.split('\n')) {
    if (!raw.startsWith('KALOG ')) continue;
    const l = raw.slice(6);
    // A configuration keepalived did not fully accept would make the comparison meaningless.
    if (/Unknown keyword|Unexpected '\{'|[Ii]nvalid/.test(l)) throw new Error(`keepalived rejected part of the test configuration: ${l}`);
    if (/Gained quorum/.test(l)) out.push(`${vsOf(l)} quorum-gained`);
    else if (/Lost quorum|Starting with quorum down/.test(l)) out.push(`${vsOf(l)} quorum-lost`);
    else if (/(Adding|Enabling) sorry server/.test(l)) out.push(`${vsOf(l)} sorry-server-in`);
    else if (/(Removing|Disabling) sorry server/.test(l)) out.push(`${vsOf(l)} sorry-server-out`);
    else if (/(Adding|Enabling) service \[/.test(l)) out.push(`${vsOf(l)} rs-up ${rsOf(l)}`);
    else if (/(Removing|Disabling) service \[/.test(l)) out.push(`${vsOf(l)} rs-down ${rsOf(l)}`);
    else if (/Changing weight from \d+ to \d+/.test(l)) out.push(`${vsOf(l)} rs-weight ${rsOf(l)} ${/to (\d+)/.exec(l)![1]}`);
  }
  return out;
}

/** The same configuration for ka-ts, with loopback listeners standing in for 192.0.2.x. */
function katsSpecs(port: { up: number; dead82: number; dead83: number }, miscScript: string): VirtualServerSpec[] {
  const tcp = (p: number, alpha: boolean, retry = 1): CheckerSpec =>
    ({ probe: { type: 'TCP_CHECK', connect: { host: '127.0.0.1', port: p, timeoutMs: 1000 } }, timing: { delayLoopMs: 1000, retry, delayBeforeRetryMs: 1000, warmupMs: 1000, alpha } });
  const rs = (address: string, p: number, checker: CheckerSpec, weight = 1): RealServerSpec => ({ address, port: p, weight, inhibitOnFailure: false, checkers: [checker] });
  const base = { quorum: 1, hysteresis: 0, alpha: false, omega: false, haSuspend: false };
  return [
    { ...base, id: '10.0.0.1', realServers: [rs('192.0.2.1', 80, tcp(port.up, false))] },
    { ...base, id: '10.0.0.2', alpha: true, sorryServer: { address: '192.0.2.9', port: 80, weight: 1, inhibit: false }, realServers: [rs('192.0.2.1', 80, tcp(port.up, true))] },
    { ...base, id: '10.0.0.3', realServers: [rs('192.0.2.2', 82, tcp(port.dead82, false, 3))] },
    { ...base, id: '10.0.0.4', alpha: true, quorum: 2, hysteresis: 1, realServers: [rs('192.0.2.1', 80, tcp(port.up, true), 2), rs('192.0.2.2', 83, tcp(port.dead83, true), 1)] },
    { ...base, id: '10.0.0.5', realServers: [{ ...rs('192.0.2.1', 80, tcp(port.up, false)), inhibitOnFailure: true }] },
    { ...base, id: '10.0.0.6', quorum: 2, realServers: [rs('192.0.2.1', 80, tcp(port.up, false)), rs('192.0.2.2', 84, tcp(port.dead83, false))] },
    { ...base, id: '10.0.0.7', alpha: true, sorryServer: { address: '192.0.2.9', port: 80, weight: 1, inhibit: true }, realServers: [rs('192.0.2.1', 80, tcp(port.up, true))] },
    // keepalived reduces quorum 3 to the total weight 1 (from-config.ts effectiveQuorum does the same).
    { ...base, id: '10.0.0.8', quorum: 1, realServers: [rs('192.0.2.3', 80, { probe: { type: 'MISC_CHECK', path: `${miscScript} 7`, timeoutMs: 1000, dynamic: true }, timing: { delayLoopMs: 1000, retry: 0, delayBeforeRetryMs: 1000, warmupMs: 1000, alpha: false } })] },
  ];
}

async function runKats(miscScript: string): Promise<Step[]> {
  const listen = async (): Promise<net.Server> => {
    const s = net.createServer((c) => { c.on('error', () => {}); c.end(); });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return s;
  };
  const portOf = (s: net.Server): number => (s.address() as net.AddressInfo).port;
  const up = await listen();
  const d82 = await listen();
  const d83 = await listen();
  const port = { up: portOf(up), dead82: portOf(d82), dead83: portOf(d83) };
  await new Promise<void>((r) => d82.close(() => r()));
  await new Promise<void>((r) => d83.close(() => r()));
  const steps: Step[] = [];
  const svc = new CheckerService(katsSpecs(port, miscScript));
  svc.on('event', (e: HealthEvent) => {
    if (e.kind === 'notify' || e.kind === 'rs-removed') return;
    if (e.kind === 'rs-weight') steps.push(`${e.vs} rs-weight ${e.rs} ${e.weight}`);
    else steps.push(e.kind === 'rs-up' || e.kind === 'rs-down' ? `${e.vs} ${e.kind} ${e.rs}` : `${e.vs} ${e.kind}`);
  });
  try {
    svc.start();
    // keepalived does not log the start-up adds of non-alpha servers: drop ours too.
    steps.splice(0, steps.length, ...steps.filter((s) => !/ rs-up /.test(s)));
    await new Promise((r) => setTimeout(r, 5000));
    await new Promise<void>((r) => up.close(() => r()));
    await new Promise((r) => setTimeout(r, 6000));
  } finally {
    svc.stop();
    up.close();
  }
  return steps;
}

const perVs = (steps: Step[]): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const s of steps) {
    const [vs, ...rest] = s.split(' ');
    (out[vs!] ??= []).push(rest.join(' '));
  }
  return out;
};

test('transitions match keepalived 2.2.7 -C on the same configuration', { skip: skipReason(), timeout: 240_000 }, async () => {
  if (!existsSync(join(vmWork, 'out/keepalived.cpio.zst')) || !existsSync(join(vmWork, 'out/base.cpio.gz'))) {
    execFileSync(join(root, 'test/vm/build-initramfs.sh'), [], { stdio: 'inherit' });
  }
  const share = mkdtempSync(join(tmpdir(), 'kt-check-diff-'));
  try {
    // The same script for both: exit with the status given (7 → misc_dynamic weight 5).
    writeFileSync(join(share, 'misc.sh'), '#!/bin/sh\nexit "$1"\n', { mode: 0o755 });
    writeFileSync(join(share, 'k.conf'), KEEPALIVED_CONF.replace('MISC_SCRIPT', '/mnt/host/misc.sh'));
    writeFileSync(join(share, 'job.sh'), JOB);
    // keepalived in the VM and ka-ts on the host run at the same time.
    const vm = spawn(join(root, 'test/vm/run.sh'), ['--with', 'keepalived', '--share', share, '--timeout', '150', '--cmd', 'bash /mnt/host/job.sh'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let consoleOut = '';
    vm.stdout.on('data', (d: Buffer) => { consoleOut += d.toString(); });
    const vmDone = new Promise<number>((r) => vm.once('exit', (code) => r(code ?? -1)));
    const kats = await runKats(join(share, 'misc.sh'));
    const code = await vmDone;
    assert.equal(code, 0, `run.sh exit ${code}\n${consoleOut.slice(-3000)}`);
    const ka = fromKeepalivedLog(consoleOut);
    assert.ok(ka.length > 0, `no keepalived transitions in the console:\n${consoleOut.slice(-3000)}`);
    assert.deepEqual(perVs(kats), perVs(ka));
  } finally {
    rmSync(share, { recursive: true, force: true });
  }
});
