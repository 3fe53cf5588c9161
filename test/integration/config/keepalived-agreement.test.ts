// Small configurations, each probing one rule, run through the real keepalived 2.2.7 and through
// ka-ts in the same namespace (holding eth0): the exit codes must agree. These are the rules found
// by running keepalived (they are not all in its documentation).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { NetnsLab, rootSkipReason } from '../lib/netns.js';

const execFileP = promisify(execFile);
const RUNNER = fileURLToPath(new URL('./conftest-runner.js', import.meta.url));
const skip = rootSkipReason();

const inst = (body: string): string => `vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n${body}\n}\n`;
const vip = ' virtual_ipaddress {\n 10.0.0.1\n }\n';
const vs = (head: string, body: string): string => `virtual_server ${head} {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n${body}\n}\n`;

const CASES: Record<string, string> = {
  'owner-priority-255': inst(` priority 255\n${vip}`),
  'v2-fractional-advert': inst(` advert_int 0.5\n${vip}`),
  'v3-centiseconds': inst(` version 3\n advert_int 0.05\n${vip}`),
  'mixed-family-vips': inst(' virtual_ipaddress {\n 10.0.0.1\n fe80::1\n }'),
  'unicast-peer': inst(`${vip} unicast_peer {\n 10.0.0.2\n }`),
  'address-options': inst(' virtual_ipaddress {\n 10.0.0.1/24 brd 10.0.0.255 dev eth0 scope global label eth0:1\n }\n garp_master_delay 10\n preempt_delay 5'),
  'track-own-interface': inst(`${vip} track_interface {\n eth0 weight 10\n }`),
  'short-auth-pass': inst(`${vip} authentication {\n auth_type PASS\n auth_pass secret\n }`),
  'long-auth-pass': inst(`${vip} authentication {\n auth_type PASS\n auth_pass 0123456789\n }`),
  'duplicate-vrid': inst(vip) + inst(vip).replace('VI_1', 'VI_2').replace('10.0.0.1', '10.0.0.2'),
  'no-vip': inst(''),
  'missing-value': inst(` unicast_src_ip\n${vip}`),
  'notify-quoted-found': inst(`${vip} notify_master "/usr/bin/true x"`),
  'notify-unquoted-words': inst(`${vip} notify_master /usr/bin/true x y`),
  'notify-not-found': inst(`${vip} notify_master /nonexistent/script.sh`),
  'track-script-unquoted': `vrrp_script s {\n script /usr/bin/true x\n}\n${inst(`${vip} track_script {\n s\n }`)}`,
  'track-script-secure': `global_defs {\n enable_script_security\n script_user root\n}\nvrrp_script s {\n script "/usr/bin/true"\n}\n${inst(`${vip} track_script {\n s\n }`)}`,
  'zero-weight-quorum': vs('10.0.0.1 80', ' real_server 10.0.0.2 80 {\n weight 0\n }'),
  'persistence-no-value': vs('10.0.0.1 80', ' persistence_timeout\n real_server 10.0.0.2 80 {\n }'),
  'fwmark-with-protocol': vs('fwmark 5', ' real_server 10.0.0.2 80 {\n }'),
  'short-digest': vs('10.0.0.1 80', ' real_server 10.0.0.2 80 {\n HTTP_GET {\n url {\n path /\n digest abc\n }\n }\n }'),
  'zero-connect-timeout': vs('10.0.0.1 80', ' real_server 10.0.0.2 80 {\n TCP_CHECK {\n connect_timeout 0\n }\n }'),
  'zero-delay-loop': vs('10.0.0.1 80', ' delay_loop 0\n real_server 10.0.0.2 80 {\n }'),
  'no-protocol': 'virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n real_server 10.0.0.2 80 {\n }\n}\n',
  'misc-check-found': vs('10.0.0.1 80', ' real_server 10.0.0.2 80 {\n MISC_CHECK {\n misc_path "/usr/bin/true x"\n }\n }'),
  'include-missing': 'include /nonexistent/*.conf\n',
  'includea-missing': 'includea /nonexistent/*.conf\n',
  'self-include': 'include self-include.conf\n',
  'seq-definition': '$A=1\n$B=$A$A\nglobal_defs {\n router_id ${B}\n}\n~SEQ(N,1,3) $X=$N\n',
  'lowercase-state': inst(` state master\n${vip}`),
  'lowercase-lb-kind': vs('10.0.0.1 80', '').replace('lb_kind NAT', 'lb_kind dr'),
  'lowercase-protocol': vs('10.0.0.1 80', '').replace('protocol TCP', 'protocol tcp'),
  'single-member-sync-group': `${inst(vip)}vrrp_sync_group G {\n group {\n VI_1\n }\n}\n`,
  'no-interface': `vrrp_instance VI_1 {\n virtual_router_id 51\n${vip}}\n`,
  'zero-advert-int': inst(` advert_int 0\n${vip}`),
  'undefined-vs-group': 'virtual_server group G {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n}\n',
  'bad-scheduler': vs('10.0.0.1 80', '').replace('lb_algo rr', 'lb_algo wlcx'),
  'dns-check-bad-type': vs('10.0.0.1 80', ' real_server 10.0.0.2 80 {\n DNS_CHECK {\n type XYZ\n }\n }'),
  'dns-check-a': vs('10.0.0.1 80', ' real_server 10.0.0.2 80 {\n DNS_CHECK {\n type A\n name www.example.org\n }\n }'),
  'big-weight': vs('10.0.0.1 80', ' real_server 10.0.0.2 80 {\n weight 70000\n }'),
  'thresholds': vs('10.0.0.1 80', ' real_server 10.0.0.2 80 {\n uthreshold 300\n lthreshold 50\n }'),
  'bad-threshold': vs('10.0.0.1 80', ' real_server 10.0.0.2 80 {\n uthreshold -5\n lthreshold x\n }'),
  'persistence-engine': vs('10.0.0.1 5060', ' real_server 10.0.0.2 5060 {\n }').replace('protocol TCP', 'protocol UDP\n persistence_timeout 60\n persistence_engine sip'),
  'persistence-engine-long': vs('10.0.0.1 5060', ' real_server 10.0.0.2 5060 {\n }').replace('protocol TCP', 'protocol UDP\n persistence_timeout 60\n persistence_engine abcdefghijklmnopqrst'),
  'tunnel-options': vs('10.0.0.1 80', ' real_server 10.0.0.2 80 {\n lvs_method TUN type gue port 6080 csum\n }\n real_server 10.0.0.3 80 {\n lvs_method TUN type gre remcsum\n }'),
  'tunnel-gue-no-port': vs('10.0.0.1 80', ' real_server 10.0.0.2 80 {\n lvs_method TUN type gue\n }'),
  'tunnel-bad-option': vs('10.0.0.1 80', ' real_server 10.0.0.2 80 {\n lvs_method TUN type vxlan\n }\n real_server 10.0.0.3 80 {\n lvs_method TUN csum\n }'),
  'tunnel-vs-level': vs('10.0.0.1 80', ' real_server 10.0.0.2 80 {\n }').replace('lb_kind NAT', 'lb_kind TUN type gre csum'),
  'lvs-timeout-zero': 'global_defs {\n lvs_timeouts tcp 0\n}\n',
  'lvs-sync-daemon': `global_defs {\n lvs_sync_daemon eth0 VI_1 id 5\n}\n${inst(vip)}`,
  'udp-payload': vs('10.0.0.1 80', ' real_server 10.0.0.2 80 {\n UDP_CHECK {\n payload 0a0b\n }\n }'),
  'bad-status-code': vs('10.0.0.1 80', ' real_server 10.0.0.2 80 {\n HTTP_GET {\n url {\n path /\n status_code 99\n }\n }\n }'),
  'accept-strict-v2': inst(`${vip} accept\n strict_mode`),
  'security-without-user': `global_defs {\n enable_script_security\n}\nvrrp_script s {\n script "/bin/true"\n}\n${inst(`${vip} track_script {\n s\n }`)}`,
  'vmac': inst(`${vip} use_vmac\n vmac_xmit_base`),
  'routes-rules': inst(`${vip} virtual_routes {\n 10.1.0.0/16 via 10.0.0.254 dev eth0\n }\n virtual_rules {\n from 10.0.0.1 table 100 preference 10\n }`),
  'static-addresses': `static_ipaddress {\n 10.9.0.1/24 dev eth0\n}\nstatic_routes {\n 10.8.0.0/16 via 10.9.0.254 dev eth0\n}\n${inst(vip)}`,
  'track-missing-interface': inst(`${vip} track_interface {\n eth9\n }`),
  'unknown-script-user': 'global_defs {\n script_user nosuchuser\n}\n',
  'empty-notification-email': 'global_defs {\n notification_email {\n }\n}\n',
  'script-weight-range': `global_defs {\n enable_script_security\n script_user root\n}\nvrrp_script s {\n script "/bin/true"\n weight 300\n}\n${inst(`${vip} track_script {\n s weight 300\n }`)}`,
  'global-switches': 'global_defs {\n smtp_alert\n router_id a\n vrrp_version 3\n max_auto_priority\n lvs_flush\n dynamic_interfaces\n}\n',
  'unicast-mcast-group': 'global_defs {\n vrrp_mcast_group4 10.0.0.1\n}\n',
  'multicast-group': 'global_defs {\n vrrp_mcast_group4 224.0.0.19\n vrrp_mcast_group6 ff02::13\n}\n',
  'misc-check-missing': vs('10.0.0.1 80', ' real_server 10.0.0.2 80 {\n MISC_CHECK {\n misc_path /nonexistent/x.sh\n }\n }'),
};

const lab = new NetnsLab('cfgka');
const dir = mkdtempSync(join(tmpdir(), 'kt-config-agree-'));
after(async () => {
  await lab.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileP(cmd, args, { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

test('ka-ts and keepalived 2.2.7 give the same exit code on each probe', { skip }, async () => {
  const ns = await lab.addNs('a');
  await lab.ip(ns, ['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'kvp0']);
  await lab.ip(ns, ['link', 'set', 'eth0', 'up']);
  const files = Object.entries(CASES).map(([name, text]) => {
    const f = join(dir, `${name}.conf`);
    writeFileSync(f, text);
    return [name, f] as const;
  });
  const ours = await run('ip', ['netns', 'exec', ns, process.execPath, RUNNER, 'vm', ...files.map(([, f]) => f)]);
  const summaries = ours.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { file: string; exitCode: number; diagnostics: Array<{ message: string }> });
  assert.equal(summaries.length, files.length, ours.stderr);
  const differ: string[] = [];
  for (const [i, [name, f]] of files.entries()) {
    const ka = await run('ip', ['netns', 'exec', ns, 'keepalived', '-t', '-l', '-D', '-f', f, '-p', join(dir, `${name}.pid`), '-r', join(dir, `${name}.vrrp.pid`), '-c', join(dir, `${name}.check.pid`)]);
    const s = summaries[i]!;
    if (s.exitCode !== ka.code) differ.push(`${name}: keepalived ${ka.code} (${ka.stderr.trim().replace(/\n/g, ' | ')}), ka-ts ${s.exitCode} (${s.diagnostics.map((d) => d.message).join(' | ')})`);
  }
  assert.deepEqual(differ, []);
  // Where keepalived stays silent, ka-ts still says what it sees (without changing the verdict).
  const codesOf = (name: string): string[] => (summaries[files.findIndex(([n]) => n === name)]!.diagnostics as Array<{ code?: string }>).map((d) => d.code ?? '');
  assert.ok(codesOf('owner-priority-255').includes('owner-priority'));
  assert.ok(codesOf('notify-unquoted-words').includes('notify-unquoted'));
  assert.ok(codesOf('undefined-vs-group').includes('undefined-vs-group'));
  assert.ok(codesOf('self-include').includes('include-cycle'));
});
