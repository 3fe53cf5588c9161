// Differential test against the real keepalived 2.2.7 checker: ONE keepalived.conf (non-alpha;
// alpha with a sorry server; first failure with retry 3; quorum with hysteresis; inhibit_on_failure;
// quorum lost at start; sorry_server_inhibit; misc_dynamic with a quorum keepalived reduces) runs
// under `keepalived -C` inside the IPVS test VM (keepalived needs kernel IPVS, which this machine
// lacks) and, through ka-ts's config loader, checkerSpecsFromConfig and CheckerService, inside a
// network namespace holding the same real-server addresses. The server on 192.0.2.1:80 dies
// after 5 s on both sides. The per-virtual-server sequence of quorum / sorry-server / real-server /
// weight transitions must match keepalived's log line for line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NetnsLab, rootSkipReason } from '../lib/netns.js';

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
  real_server 192.0.2.2 82 {
    TCP_CHECK {
      connect_timeout 1
      retry 3
    }
  }
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
virtual_server 10.0.0.9 80 {
  delay_loop 1
  lb_kind NAT
  protocol TCP
  alpha
  real_server 192.0.2.1 80 {
    HTTP_GET {
      url {
        path /index.html
        digest eff5bc1ef8ec9d03e640fc4370f5eacd
      }
      url {
        path /missing
        status_code 404
      }
      connect_timeout 1
      delay_before_retry 1
    }
  }
}
virtual_server 10.0.0.10 80 {
  delay_loop 1
  lb_kind NAT
  protocol TCP
  real_server 192.0.2.1 80 {
    HTTP_GET {
      url {
        path /index.html
        status_code 500
      }
      connect_timeout 1
    }
  }
}
virtual_server 10.0.0.11 80 {
  delay_loop 1
  lb_kind NAT
  protocol TCP
  alpha
  real_server 192.0.2.1 80 {
    PING_CHECK {
      connect_timeout 1
    }
  }
}
virtual_server 10.0.0.12 80 {
  delay_loop 1
  lb_kind NAT
  protocol UDP
  real_server 192.0.2.1 9 {
    UDP_CHECK {
      connect_timeout 1
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
  const vsOf = (l: string): string => /VS \[([\d.]+)\]:(?:tcp|udp):80/.exec(l)?.[1] ?? '?';
  const rsOf = (l: string): string => /service \[([\d.]+)\]:(?:tcp|udp):(\d+)/.exec(l)!.slice(1).join(':');
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
    writeFileSync(join(share, 'k-kats.conf'), KEEPALIVED_CONF.replace('MISC_SCRIPT', join(share, 'misc.sh')));
    // keepalived in the VM and ka-ts in a namespace run at the same time.
    const vm = spawn(join(root, 'test/vm/run.sh'), ['--with', 'keepalived', '--share', share, '--timeout', '150', '--cmd', 'bash /mnt/host/job.sh'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let consoleOut = '';
    vm.stdout.on('data', (d: Buffer) => { consoleOut += d.toString(); });
    const vmDone = new Promise<number>((r) => vm.once('exit', (code) => r(code ?? -1)));
    const lab = new NetnsLab('check');
    let kats: Step[];
    try {
      const ns = await lab.addNs('diff');
      // The real servers' addresses, local in the namespace (on lo: this kernel has no dummy links).
      for (const a of ['192.0.2.1/32', '192.0.2.2/32', '192.0.2.3/32']) await lab.addAddr(ns, 'lo', a);
      const child = fileURLToPath(new URL('./differential-kats-child.js', import.meta.url));
      const res = await lab.exec(ns, process.execPath, [child, join(share, 'k-kats.conf')]);
      const line = res.stdout.split('\n').find((l) => l.startsWith('KATS '));
      assert.ok(line, `ka-ts child printed no result:\n${res.stdout}\n${res.stderr}`);
      kats = (JSON.parse(line.slice(5)) as { steps: Step[] }).steps;
    } finally {
      await lab.cleanup();
    }
    const code = await vmDone;
    assert.equal(code, 0, `run.sh exit ${code}\n${consoleOut.slice(-3000)}`);
    const ka = fromKeepalivedLog(consoleOut);
    assert.ok(ka.length > 0, `no keepalived transitions in the console:\n${consoleOut.slice(-3000)}`);
    assert.equal(Object.keys(perVs(ka)).length, 12, `every virtual server had transitions in keepalived: ${JSON.stringify(perVs(ka))}`);
    assert.deepEqual(perVs(kats), perVs(ka));
  } finally {
    rmSync(share, { recursive: true, force: true });
  }
});
