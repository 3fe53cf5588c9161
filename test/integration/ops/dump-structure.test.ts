// Runs the real keepalived 2.2.7 in a network namespace, makes it write its three dumps
// (SIGUSR1 data, SIGUSR2 stats, SIGJSON = SIGRTMIN+2 = 36 json) into a private $TMPDIR, and
// checks (1) that the exporter parsers ported into the unit tests read keepalived's own files
// (so the ported parsers are faithful) and (2) that ka-ts's dumps for the same configuration
// have keepalived's structure: the same banners, record headers, field names, indentation and
// JSON keys (values differ, so structure is compared, not text).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetnsLab, rootSkipReason, waitFor } from '../lib/netns.js';
import { renderDataDump } from '../../../src/ops/dumps/data-dump.js';
import { renderStatsDump } from '../../../src/ops/dumps/stats-dump.js';
import { renderJsonDump } from '../../../src/ops/dumps/json-dump.js';
import { emptyCounters, type DaemonSnapshot } from '../../../src/ops/snapshot.js';
import {
  exporterParseJson, gen2brainParseData, gen2brainParseStats, mehdyParseStats, mehdyParseVrrpData, mehdyParseVrrpScript,
} from '../../unit/ops/exporter-parsers.js';

const skip = rootSkipReason() ?? (existsSync('/usr/sbin/keepalived') ? undefined : 'keepalived binary not installed');
const SIGJSON = 36; // SIGRTMIN+2 on glibc (`keepalived --signum=JSON`)

const CONFIG = `
global_defs {
  router_id kt_ops
  enable_script_security
  script_user root
}
vrrp_script chk_ok {
  script "/bin/true"
  interval 1
  weight 10
}
vrrp_instance VI_1 {
  state MASTER
  interface veth0
  virtual_router_id 51
  priority 100
  advert_int 1
  virtual_ipaddress {
    10.99.0.100/24
  }
  virtual_ipaddress_excluded {
    10.99.1.1/24
  }
  unicast_peer {
    10.99.0.7
  }
  track_interface {
    veth1
  }
  track_script {
    chk_ok
  }
  notify "/bin/true"
  notify_master "/bin/true"
  notify_backup "/bin/true"
  notify_fault "/bin/true"
  notify_stop "/bin/true"
}
`;

/** The same configuration as ka-ts would report it (hand-built: the engine is not under test). */
function equivalentSnapshot(): DaemonSnapshot {
  return {
    takenAtMs: Date.now(), version: '0.1.0', pid: process.pid, startedAtMs: Date.now(), configFile: 'k.conf', routerId: 'kt_ops',
    instances: [{
      name: 'VI_1', interface: 'veth0', vrid: 51, version: 2, family: 'inet', state: 'MASTER', wantedState: 'MASTER',
      basePriority: 100, effectivePriority: 110, advertIntMs: 1000, primaryAddress: '10.99.0.1',
      lastTransition: { atMs: Date.now(), from: 'BACKUP', to: 'MASTER', reason: 'master down timer expired' },
      vips: [{ address: '10.99.0.100', prefixLen: 24, dev: 'veth0' }], excludedVips: [{ address: '10.99.1.1', prefixLen: 24, dev: 'veth0' }], vipsSet: true,
      unicastPeers: ['10.99.0.7'], nopreempt: false, preemptDelayMs: 0, accept: true,
      garp: { delayS: 5, repeat: 5, refreshS: 0, refreshRepeat: 1, lowerPrioDelayS: 5, lowerPrioRepeat: 5 },
      downTimerAdverts: 3, masterDownIntervalMs: 3609.375,
      notify: { notify: '/usr/bin/true', master: '/usr/bin/true', backup: '/usr/bin/true', fault: '/usr/bin/true', stop: '/usr/bin/true', uid: 0, gid: 0 },
      tracked: [{ kind: 'interface', name: 'veth1', up: true, weight: 0 }, { kind: 'script', name: 'chk_ok', up: true, weight: 10 }],
      counters: { ...emptyCounters(), advertSent: 3, becomeMaster: 1 },
    }],
    syncGroups: [],
    scripts: [{ name: 'chk_ok', command: '/usr/bin/true', intervalMs: 1000, timeoutMs: 0, weight: 10, rise: 1, fall: 1, result: 'GOOD', uid: 0, gid: 0, running: false, trackedBy: [{ instance: 'VI_1', weight: 10 }] }],
    virtualServers: [],
    reloads: { total: 0, failed: 0 },
  };
}

/** Field names of the record that starts at `header` (3-space lines up to the next 0/1-space line). */
function recordKeys(text: string, header: RegExp): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => header.test(l));
  assert.ok(start >= 0, `record ${header} present`);
  const keys: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (!l.startsWith('   ')) break;
    if (l.startsWith('     ')) continue;
    keys.push(l.trim().split(/ = | :|:| \d|$/)[0]!.replace(/ \(\d+\)$/, ''));
  }
  return keys;
}

const banners = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('------<'));
/** A stats file with the values blanked: what is left is its structure. */
const statsShape = (text: string): string[] => text.split('\n').map((l) => l.replace(/: \d+$/, ': N').replace(/^VRRP Instance: .*/, 'VRRP Instance: X'));

let lab: NetnsLab;
let dir: string;
const files: { data: string; stats: string; json: string } = { data: '', stats: '', json: '' };

before(async () => {
  if (skip) return;
  lab = new NetnsLab('ops');
  dir = await mkdtemp(join(tmpdir(), 'kt-ops-ka-'));
  const ns = await lab.addNs('ka');
  await lab.veth(ns, 'veth0', ns, 'veth1');
  await lab.addAddr(ns, 'veth0', '10.99.0.1/24');
  const conf = join(dir, 'keepalived.conf');
  await writeFile(conf, CONFIG);
  const vrrpPidFile = join(dir, 'vrrp.pid');
  const child = lab.spawn(ns, 'keepalived', ['-P', '-n', '-l', '-D', '-f', conf, '-p', join(dir, 'ka.pid'), '-r', vrrpPidFile], {
    env: { ...process.env, TMPDIR: dir },
  });
  let log = '';
  child.stdout?.on('data', (b: Buffer) => { log += b.toString(); });
  child.stderr?.on('data', (b: Buffer) => { log += b.toString(); });
  // Wait for MASTER so the dumps carry a transition, the VIP and a sent advert.
  await waitFor(() => log.includes('(VI_1) Entering MASTER STATE'), 15_000).catch((e: unknown) => {
    throw new Error(`keepalived did not become MASTER: ${String(e)}\n${log}`);
  });
  const vrrpPid = Number((await readFile(vrrpPidFile, 'utf8')).trim());
  for (const [sig, name] of [['SIGUSR1', 'data'], ['SIGUSR2', 'stats'], [SIGJSON, 'json']] as const) {
    process.kill(vrrpPid, sig);
    const path = join(dir, `keepalived.${name}`);
    files[name] = await waitFor(async () => {
      if (!existsSync(path)) return undefined;
      const text = await readFile(path, 'utf8');
      // keepalived writes in place: wait until the file is complete.
      return name === 'json' ? (text.trimEnd().endsWith(']') ? text : undefined) : (text.length > 0 ? text : undefined);
    }, 5_000);
  }
});

after(async () => {
  if (skip) return;
  await lab.cleanup();
  await rm(dir, { recursive: true, force: true });
});

test('ported exporter parsers read keepalived 2.2.7\'s own dumps', { skip }, () => {
  const data = mehdyParseVrrpData(files.data).get('VI_1');
  assert.ok(data);
  assert.equal(data.state, 2);
  assert.equal(data.vrid, 51);
  assert.equal(data.intf, 'veth0');
  assert.deepEqual(data.vips, ['10.99.0.100/24 dev veth0 scope global set']);
  assert.deepEqual(mehdyParseVrrpScript(files.data), [{ name: 'chk_ok', status: 'GOOD', state: 'idle' }]);
  assert.equal(mehdyParseStats(files.stats).get('VI_1')!.become_master, 1);
  assert.equal(gen2brainParseStats(files.stats).length, 1);
  // gen2brain's text parser stops at keepalived's `Flags: none` line; it still finds the instance.
  assert.equal(gen2brainParseData(files.data)[0]!.iname, 'VI_1');
  const json = exporterParseJson(files.json);
  assert.equal(json[0]!.data.vrid, 51);
  assert.equal(json[0]!.data.state, 2);
});

test('ka-ts data dump has keepalived\'s banners, record headers and field names', { skip }, () => {
  const ours = renderDataDump(equivalentSnapshot());
  const theirs = files.data;
  for (const b of banners(ours)) assert.ok(banners(theirs).includes(b), `banner ${b} is keepalived's`);
  const ourKeys = recordKeys(ours, /^ VRRP Instance = VI_1$/);
  const theirKeys = recordKeys(theirs, /^ VRRP Instance = VI_1$/);
  for (const k of ourKeys) assert.ok(theirKeys.includes(k), `instance field "${k}" is one keepalived prints (${theirKeys.join(', ')})`);
  // Everything the exporters read is there, and in keepalived's relative order.
  const critical = ['VRRP Version', 'State', 'Wantstate', 'Last transition', 'Interface', 'Gratuitous ARP delay', 'Virtual Router ID', 'Virtual IP'];
  assert.deepEqual(ourKeys.filter((k) => critical.includes(k)), theirKeys.filter((k) => critical.includes(k)));
  const ourScript = recordKeys(ours, /^ VRRP Script = chk_ok$/);
  const theirScript = recordKeys(theirs, /^ VRRP Script = chk_ok$/);
  for (const k of ourScript) assert.ok(theirScript.includes(k), `script field "${k}" is one keepalived prints`);
  // Identical lines where the values are the same configuration.
  for (const line of [
    '   Virtual Router ID = 51', '   Interface = veth0', '   Advert interval = 1 sec', '     10.99.0.100/24 dev veth0 scope global set',
    '     chk_ok weight 10', '     veth1 weight 0', '   Status = GOOD', '   State = idle', '   Virtual IP Excluded :', '   Unicast Peer :',
    "   Master state transition script = '/usr/bin/true', uid:gid 0:0", "   Stop state transition script = '/usr/bin/true', uid:gid 0:0",
  ]) {
    assert.ok(ours.split('\n').includes(line) && theirs.split('\n').includes(line), `both print ${JSON.stringify(line)}`);
  }
});

test('ka-ts stats dump is line-for-line keepalived\'s layout', { skip }, () => {
  assert.deepEqual(statsShape(renderStatsDump(equivalentSnapshot())), statsShape(files.stats));
});

test('ka-ts JSON dump has keepalived\'s keys and value types', { skip }, () => {
  const ours = JSON.parse(renderJsonDump(equivalentSnapshot())) as { data: Record<string, unknown>; stats: Record<string, unknown> }[];
  const theirs = JSON.parse(files.json) as typeof ours;
  const typeOf = (v: unknown): string => (Array.isArray(v) ? 'array' : typeof v);
  const secretFree = Object.keys(theirs[0]!.data).filter((k) => k !== 'auth_data');
  assert.deepEqual(Object.keys(ours[0]!.data).sort(), secretFree.sort());
  for (const k of secretFree) assert.equal(typeOf(ours[0]!.data[k]), typeOf(theirs[0]!.data[k]), `type of data.${k}`);
  assert.deepEqual(Object.keys(ours[0]!.stats), Object.keys(theirs[0]!.stats));
  for (const k of ['track_script', 'track_ifp', 'evips', 'script', 'script_master', 'script_backup', 'script_fault', 'script_stop']) {
    assert.deepEqual(ours[0]!.data[k], theirs[0]!.data[k], `data.${k}`);
  }
});
