// End to end for the operational outputs: a ka-ts daemon (VRRP only) and a keepalived 2.2.7
// peer on one link. ka-ts has the higher priority and becomes MASTER; keepalived, as BACKUP,
// reports ka-ts's address as its master in its own data dump (what is seen on the wire). Then
// ka-ts's dumps (read with the exporters' parsers), `ka-ts ctl status --json` / `ctl stats` and
// /metrics must all report the same state, and the VIP must be on ka-ts's interface.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { NetnsLab, rootSkipReason, waitFor } from '../lib/netns.js';
import { gen2brainParseData, mehdyParseStats, mehdyParseVrrpData } from '../../unit/ops/exporter-parsers.js';
import type { DaemonSnapshot } from '../../../src/ops/snapshot.js';

const MAIN = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));
const skip = rootSkipReason() ?? (existsSync('/usr/sbin/keepalived') ? undefined : 'keepalived binary not installed');

const conf = (prio: number, src: string, extra = ''): string => `
global_defs {
  router_id kt_${prio}
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 42
  priority ${prio}
  advert_int 1
  mcast_src_ip ${src}
  virtual_ipaddress {
    10.77.0.100/24
  }${extra}
}
`;

let lab: NetnsLab;
let dir: string;
let kaNs: string;
let ktNs: string;
let ktLog = '';
let ktDaemon: ChildProcess;
const METRICS_PORT = 19650;

async function kaTs(args: string[]): Promise<string> {
  const r = await lab.exec(ktNs, process.execPath, [MAIN, ...args], true);
  if (r.code !== 0) throw new Error(`ka-ts ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

before(async () => {
  if (skip) return;
  lab = new NetnsLab('ops');
  dir = await mkdtemp(join(tmpdir(), 'kt-ops-e2e-'));
  kaNs = await lab.addNs('ka');
  ktNs = await lab.addNs('kt');
  await lab.veth(kaNs, 'eth0', ktNs, 'eth0');
  await lab.addAddr(kaNs, 'eth0', '10.77.0.1/24');
  await lab.addAddr(ktNs, 'eth0', '10.77.0.2/24');
  await writeFile(join(dir, 'ka.conf'), conf(100, '10.77.0.1'));
  await writeFile(join(dir, 'kt.conf'), conf(200, '10.77.0.2'));
  const ka = lab.spawn(kaNs, 'keepalived', ['-P', '-n', '-l', '-D', '-f', join(dir, 'ka.conf'), '-p', join(dir, 'ka.pid'), '-r', join(dir, 'ka.vrrp.pid')], {
    env: { ...process.env, TMPDIR: dir },
  });
  ka.stdout?.resume();
  ka.stderr?.resume();
  await mkdir(join(dir, 'kt-tmp'));
  ktDaemon = lab.spawn(ktNs, process.execPath, [MAIN, '-f', join(dir, 'kt.conf'), '-P', '-n', '-l', '-p', join(dir, 'kt.pid'), '-r', join(dir, 'kt.vrrp.pid'),
    '--control-socket', join(dir, 'kt.sock'), '--metrics-listen', String(METRICS_PORT)], {
    env: { ...process.env, TMPDIR: join(dir, 'kt-tmp') },
  });
  ktDaemon.stdout?.on('data', (b: Buffer) => { ktLog += b.toString(); });
  ktDaemon.stderr?.on('data', (b: Buffer) => { ktLog += b.toString(); });
  // MASTER as the daemon itself reports it over the control socket.
  await waitFor(async () => {
    if (ktDaemon.exitCode !== null || ktDaemon.signalCode !== null) throw new Error(`ka-ts exited (${ktDaemon.exitCode ?? ktDaemon.signalCode})`);
    if (!existsSync(join(dir, 'kt.sock'))) return false;
    const r = await lab.exec(ktNs, process.execPath, [MAIN, 'ctl', 'status', '--json', '--control-socket', join(dir, 'kt.sock')], true);
    if (r.code !== 0) return false;
    const snap = JSON.parse(r.stdout) as DaemonSnapshot;
    return snap.instances.some((i) => i.name === 'VI_1' && i.state === 'MASTER');
  }, 20_000, 250).catch((e: unknown) => {
    throw new Error(`ka-ts did not become MASTER: ${String(e)}\n${ktLog}`);
  });
});

after(async () => {
  if (skip) return;
  await lab.cleanup();
  await rm(dir, { recursive: true, force: true });
});

test('keepalived sees ka-ts as master on the wire, and the VIP is on ka-ts', { skip }, async () => {
  const kaVrrpPid = Number((await readFile(join(dir, 'ka.vrrp.pid'), 'utf8')).trim());
  const kaData = join(dir, 'keepalived.data');
  await rm(kaData, { force: true });
  // keepalived needs a few adverts to settle as BACKUP behind ka-ts.
  const theirs = await waitFor(async () => {
    process.kill(kaVrrpPid, 'SIGUSR1');
    await new Promise((r) => setTimeout(r, 200));
    if (!existsSync(kaData)) return undefined;
    const text = await readFile(kaData, 'utf8');
    return /^ {3}State = BACKUP$/m.test(text) && /^ {3}Master router = 10\.77\.0\.2$/m.test(text) ? text : undefined;
  }, 10_000);
  assert.ok(theirs);
  const addrs = await lab.ip(ktNs, ['-4', '-o', 'addr', 'show', 'dev', 'eth0']);
  assert.match(addrs.stdout, /10\.77\.0\.100\/24/);
});

test('ka-ts dumps on SIGUSR1/SIGUSR2 read as MASTER through the exporters\' parsers', { skip }, async () => {
  const pid = Number((await readFile(join(dir, 'kt.pid'), 'utf8')).trim());
  const data = join(dir, 'kt-tmp', 'keepalived.data');
  const stats = join(dir, 'kt-tmp', 'keepalived.stats');
  process.kill(pid, 'SIGUSR1');
  process.kill(pid, 'SIGUSR2');
  await waitFor(() => existsSync(data) && existsSync(stats), 5000);
  const d = mehdyParseVrrpData(await readFile(data, 'utf8')).get('VI_1');
  assert.ok(d, 'VI_1 in keepalived.data');
  assert.deepEqual({ state: d.state, vrid: d.vrid, intf: d.intf }, { state: 2, vrid: 42, intf: 'eth0' });
  assert.deepEqual(d.vips.map((v) => v.split(' ')[0]), ['10.77.0.100/24']);
  assert.equal(gen2brainParseData(await readFile(data, 'utf8'))[0]!.state, 2);
  const s = mehdyParseStats(await readFile(stats, 'utf8')).get('VI_1');
  assert.ok(s, 'VI_1 in keepalived.stats');
  assert.equal(s.become_master, 1);
  assert.ok(s.advert_sent > 0, 'adverts sent counted');
});

test('ctl status --json, ctl stats and /metrics agree with the wire', { skip }, async () => {
  const sock = join(dir, 'kt.sock');
  const snap = JSON.parse(await kaTs(['ctl', 'status', '--json', '--control-socket', sock])) as DaemonSnapshot;
  const vi1 = snap.instances.find((i) => i.name === 'VI_1');
  assert.ok(vi1);
  assert.equal(vi1.state, 'MASTER');
  assert.equal(vi1.effectivePriority, 200);
  assert.equal(vi1.vipsSet, true);
  const text = await kaTs(['ctl', 'stats', '--control-socket', sock]);
  assert.match(text, /^VI_1 \(eth0, vrid 42, v2\) MASTER$/m);
  assert.match(text, /^ {2}Became master: +1$/m);
  const table = await kaTs(['ctl', 'status', '--control-socket', sock]);
  assert.match(table, /^ {2}VI_1 +eth0 +42 +v2 +MASTER +200 +200 +/m);
  assert.match(table, /^ {2}VI_1: VIPs 10\.77\.0\.100\/24 \[installed\]$/m);
  const metrics = await lab.exec(ktNs, process.execPath, ['-e', `fetch('http://127.0.0.1:${METRICS_PORT}/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))`]);
  assert.match(metrics.stdout, /^keepalived_vrrp_state\{iname="VI_1",intf="eth0",vrid="42",ip_address="10\.77\.0\.100\/24"\} 2$/m);
  assert.match(metrics.stdout, /^keepalived_become_master_total\{iname="VI_1",intf="eth0",vrid="42",state="MASTER"\} 1$/m);
  assert.match(metrics.stdout, /^kats_vrrp_effective_priority\{iname="VI_1",intf="eth0",vrid="42"\} 200$/m);
});
