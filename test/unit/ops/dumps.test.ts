import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderDataDump } from '../../../src/ops/dumps/data-dump.js';
import { renderStatsDump } from '../../../src/ops/dumps/stats-dump.js';
import { renderJsonDump } from '../../../src/ops/dumps/json-dump.js';
import { dumpDirectory, writeDump } from '../../../src/ops/dumps/write-dump.js';
import { ctimeWithMicros } from '../../../src/ops/dumps/time-format.js';
import {
  exporterParseJson, gen2brainParseData, gen2brainParseStats, mehdyParseStats, mehdyParseVip,
  mehdyParseVrrpData, mehdyParseVrrpScript,
} from './exporter-parsers.js';
import { sampleSnapshot, T_TRANSITION_MS } from './sample-snapshot.js';

const snap = sampleSnapshot();

test('mehdy exporter reads the data dump: states, interfaces, VRIDs, GARP delay, VIP labels', () => {
  const data = mehdyParseVrrpData(renderDataDump(snap));
  assert.deepEqual([...data.keys()], ['VI_1', 'VI_6']);
  const v1 = data.get('VI_1')!;
  assert.equal(v1.state, 2);
  assert.equal(v1.wantstate, 2);
  assert.equal(v1.intf, 'eth0');
  assert.equal(v1.vrid, 51);
  assert.equal(v1.garpDelay, 5);
  assert.deepEqual(v1.vips, ['10.0.0.100/24 dev eth0 scope global set', '10.0.0.101/32 dev eth1 scope global label eth1:vip set']);
  assert.deepEqual(v1.vips.map(mehdyParseVip), [{ ip: '10.0.0.100/24', intf: 'eth0' }, { ip: '10.0.0.101/32', intf: 'eth1' }]);
  const v6 = data.get('VI_6')!;
  assert.equal(v6.state, 1);
  assert.equal(v6.vrid, 60);
  assert.equal(v6.intf, 'eth2');
  // Excluded VIPs are not "Virtual IP (N)" entries, as in keepalived.
  assert.deepEqual(v6.vips, ['2001:db8::100/64 dev eth2 scope global']);
});

test('mehdy exporter reads the vrrp_script section', () => {
  assert.deepEqual(mehdyParseVrrpScript(renderDataDump(snap)), [{ name: 'chk_haproxy', status: 'GOOD', state: 'idle' }]);
});

test('gen2brain exporter reads every instance of the data dump with its transition time', () => {
  const data = gen2brainParseData(renderDataDump(snap));
  assert.equal(data.length, 2);
  assert.deepEqual(data[0], { iname: 'VI_1', ifp_ifname: 'eth0', last_transition: T_TRANSITION_MS / 1000, vrid: 51, state: 2, wantstate: 2 });
  assert.deepEqual(data[1], { iname: 'VI_6', ifp_ifname: 'eth2', last_transition: 0, vrid: 60, state: 1, wantstate: 1 });
});

test('both exporters read every keepalived counter from the stats dump, extra drop reasons are ignored', () => {
  const expected = {
    advert_rcvd: 11, advert_sent: 12, become_master: 3, release_master: 2, packet_len_err: 4,
    advert_interval_err: 5, ip_ttl_err: 6, invalid_type_rcvd: 7, addr_list_err: 8, invalid_authtype: 9,
    authtype_mismatch: 10, auth_failure: 13, pri_zero_rcvd: 14, pri_zero_sent: 15,
  };
  const text = renderStatsDump(snap);
  const mehdy = mehdyParseStats(text);
  assert.deepEqual(mehdy.get('VI_1'), expected);
  assert.equal(mehdy.get('VI_6')!.advert_rcvd, 21);
  const g2b = gen2brainParseStats(text);
  assert.equal(g2b.length, 2);
  assert.deepEqual(g2b[0], expected);
  assert.match(text, /^ {2}Other Drops:\n {4}checksum: 16\n {4}wrong interface: 17\n/m);
  assert.doesNotMatch(text, /vrid_mismatch/, 'zero extra counters are not printed');
});

test('the JSON dump decodes as the exporters decode it, with keepalived field names and encodings', () => {
  const text = renderJsonDump(snap);
  assert.ok(text.includes('"10.0.0.100\\/24 dev eth0 scope global set"'), 'slashes escaped as keepalived does');
  const doc = exporterParseJson(text);
  assert.equal(doc.length, 2);
  const [a, b] = doc;
  assert.equal(a!.data.iname, 'VI_1');
  assert.equal(a!.data.ifp_ifname, 'eth0');
  assert.equal(a!.data.state, 2);
  assert.equal(a!.data.vrid, 51);
  assert.equal(a!.data.last_transition, T_TRANSITION_MS / 1000);
  assert.equal(a!.stats.auth_failure, 13);
  assert.equal(a!.stats.pri_zero_sent, 15);
  assert.equal(b!.data.state, 1);
  const raw = JSON.parse(text) as { data: Record<string, unknown> }[];
  assert.equal(raw[0]!.data.track_script instanceof Array && (raw[0]!.data.track_script as string[])[0], "'/usr/local/bin/chk_haproxy --fast'");
  assert.equal(raw[0]!.data.script, "'/etc/keepalived/notify.sh'");
  assert.equal(raw[1]!.data.master_priority, 120);
  assert.equal(raw[1]!.data.adver_int, 0.1);
  assert.deepEqual(raw[1]!.data.evips, ['2001:db8::200/64 dev eth2 scope global']);
  assert.equal(raw[0]!.data.auth_data, undefined, 'the password is never written to /tmp');
});

test('data dump prints times as keepalived: epoch.micros (ctime with micros)', () => {
  const text = renderDataDump(snap);
  const line = text.split('\n').find((l) => l.startsWith('   Last transition = '))!;
  assert.match(line, /^ {3}Last transition = \d+\.\d{6} \((Sun|Mon|Tue|Wed|Thu|Fri|Sat) [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d\.\d{6} \d{4}\)$/);
  assert.ok(line.includes(`= ${Math.floor(T_TRANSITION_MS / 1000)}.693000 (${ctimeWithMicros(T_TRANSITION_MS)})`));
  assert.match(text, /^ {3}Advert interval = 1 sec$/m);
  assert.match(text, /^ {3}Advert interval = 100 milli-sec$/m);
  assert.match(text, /^ {3}Generic state transition script = '\/etc\/keepalived\/notify.sh', uid:gid 0:0$/m);
  assert.match(text, /^ VRRP Sync Group = G1, BACKUP$/m);
});

test('writeDump writes mode 0600 under $TMPDIR, atomically replacing a planted symlink', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kt-ops-dump-'));
  try {
    assert.equal(dumpDirectory({ TMPDIR: dir }), dir);
    assert.equal(dumpDirectory({}), '/tmp');
    const victim = join(dir, 'victim');
    await writeFile(victim, 'untouched');
    await symlink(victim, join(dir, 'keepalived.stats'));
    const path = await writeDump('stats', snap, dir);
    assert.equal(path, join(dir, 'keepalived.stats'));
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal(await readFile(victim, 'utf8'), 'untouched');
    assert.equal(mehdyParseStats(await readFile(path, 'utf8')).get('VI_1')!.advert_sent, 12);
    await assert.rejects(writeDump('json', snap, join(dir, 'missing-dir')), { name: 'DumpWriteError' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('counters that are not whole non-negative numbers are written as 0, so the exporters still parse', () => {
  const base = sampleSnapshot();
  const first = base.instances[0]!;
  const bad = { ...base, instances: [{ ...first, counters: { ...first.counters, advertRcvd: Number.NaN, advertSent: -1, becomeMaster: 2.7 } }] };
  const st = mehdyParseStats(renderStatsDump(bad)).get('VI_1')!;
  assert.deepEqual([st.advert_rcvd, st.advert_sent, st.become_master], [0, 0, 2]);
  const js = exporterParseJson(renderJsonDump(bad))[0]!.stats;
  assert.deepEqual([js.advert_rcvd, js.advert_sent, js.become_master], [0, 0, 2]);
});

test('DumpResponder writes from the cached snapshot before the event loop turns, then the fresh one', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kt-ops-resp-'));
  try {
    const cached = sampleSnapshot();
    const fresh = { ...sampleSnapshot(), takenAtMs: Date.now(), instances: sampleSnapshot().instances.map((i) => ({ ...i, counters: { ...i.counters, advertSent: 999 } })) };
    let release: (s: typeof fresh) => void = () => undefined;
    const written: [string, boolean][] = [];
    const { DumpResponder } = await import('../../../src/ops/dumps/dump-responder.js');
    const r = new DumpResponder({ dir, snapshot: () => new Promise((res) => { release = res; }), onWritten: (k, _p, f) => written.push([k, f]), maxAgeMs: Number.MAX_SAFE_INTEGER });
    r.remember(cached);
    const done = r.respond('stats');
    // Synchronously after the signal: the cached snapshot is already on disk.
    const { readFileSync } = await import('node:fs');
    assert.equal(mehdyParseStats(readFileSync(join(dir, 'keepalived.stats'), 'utf8')).get('VI_1')!.advert_sent, 12);
    release(fresh);
    await done;
    assert.equal(mehdyParseStats(await readFile(join(dir, 'keepalived.stats'), 'utf8')).get('VI_1')!.advert_sent, 999);
    assert.deepEqual(written, [['stats', false], ['stats', true]]);
    // A stale cache is not served; a failing snapshot is reported, not thrown.
    const errors: unknown[] = [];
    const r2 = new DumpResponder({ dir, snapshot: () => Promise.reject(new Error('child gone')), onError: (_k, e) => errors.push(e), maxAgeMs: 1 });
    r2.remember({ ...cached, takenAtMs: 0 });
    await r2.respond('json');
    assert.equal(errors.length, 1);
    await assert.rejects(readFile(join(dir, 'keepalived.json')), { code: 'ENOENT' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
