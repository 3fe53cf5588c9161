// Starts the real metrics HTTP server on loopback, scrapes it with fetch and checks the
// Prometheus text: exporter-compatible names and labels, ka-ts extras, per-scrape freshness,
// and keepalived_up 0 when the daemon cannot be asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMetricsServer } from '../../../src/ops/metrics/metrics-server.js';
import type { DaemonSnapshot } from '../../../src/ops/snapshot.js';
import { sampleSnapshot, T_TRANSITION_MS } from '../../unit/ops/sample-snapshot.js';

/** Parses the exposition format into "name{labels}" → value, labels sorted for stable keys. */
function parseExposition(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `valid sample line: ${line}`);
    const labels = m[2] ? [...m[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => `${l[1]}=${l[2]}`).sort().join(',') : '';
    out.set(labels ? `${m[1]}{${labels}}` : m[1]!, Number(m[3]));
  }
  return out;
}

/** Looks a sample up by "name{a=1,b=2}" with the labels in any order. */
function sample(samples: Map<string, number>, key: string): number | undefined {
  const m = /^([^{]+)(?:\{(.*)\})?$/.exec(key)!;
  return samples.get(m[2] ? `${m[1]}{${m[2].split(',').sort().join(',')}}` : m[1]!);
}

async function scrape(port: number): Promise<{ text: string; samples: Map<string, number>; type: string | null }> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  const text = await res.text();
  return { text, samples: parseExposition(text), type: res.headers.get('content-type') };
}

test('a scrape reports the snapshot with the exporters\' metric names and labels', async () => {
  let snap: DaemonSnapshot = sampleSnapshot();
  const server = await startMetricsServer({ host: '127.0.0.1', port: 0, snapshot: () => snap });
  try {
    assert.equal(server.host, '127.0.0.1');
    const { samples: s, type } = await scrape(server.port);
    assert.match(type ?? '', /^text\/plain; version=0\.0\.4/);
    assert.equal(sample(s, 'keepalived_up'), 1);
    assert.equal(sample(s, 'keepalived_vrrp_state{iname=VI_1,intf=eth0,ip_address=10.0.0.100/24,vrid=51}'), 2);
    assert.equal(sample(s, 'keepalived_vrrp_state{iname=VI_1,intf=eth1,ip_address=10.0.0.101/32,vrid=51}'), 2);
    assert.equal(sample(s, 'keepalived_vrrp_state{iname=VI_6,intf=eth2,ip_address=2001:db8::100/64,vrid=60}'), 1);
    const vi1 = 'iname=VI_1,intf=eth0,state=MASTER,vrid=51';
    const expected: [string, number][] = [
      ['keepalived_advertisements_received_total', 11], ['keepalived_advertisements_sent_total', 12],
      ['keepalived_become_master_total', 3], ['keepalived_release_master_total', 2],
      ['keepalived_packet_length_errors_total', 4], ['keepalived_advertisements_interval_errors_total', 5],
      ['keepalived_ip_ttl_errors_total', 6], ['keepalived_invalid_type_received_total', 7],
      ['keepalived_address_list_errors_total', 8], ['keepalived_authentication_invalid_total', 9],
      ['keepalived_authentication_mismatch_total', 10], ['keepalived_authentication_failure_total', 13],
      ['keepalived_priority_zero_received_total', 14], ['keepalived_priority_zero_sent_total', 15],
      ['keepalived_gratuitous_arp_delay_total', 5],
    ];
    for (const [name, v] of expected) assert.equal(sample(s, `${name}{${vi1}}`), v, name);
    assert.equal(sample(s, 'keepalived_script_status{name=chk_haproxy}'), 1);
    assert.equal(sample(s, 'keepalived_script_state{name=chk_haproxy}'), 0);
    const il = 'iname=VI_1,intf=eth0,vrid=51';
    assert.equal(sample(s, `kats_vrrp_priority{${il}}`), 100);
    assert.equal(sample(s, `kats_vrrp_effective_priority{${il}}`), 110);
    assert.equal(sample(s, `kats_vrrp_last_transition_timestamp_seconds{${il}}`), T_TRANSITION_MS / 1000);
    assert.equal(sample(s, `kats_vrrp_drops_total{${il},reason=checksum}`), 16);
    assert.equal(sample(s, `kats_vrrp_transitions_total{${il},to=MASTER}`), 3);
    assert.equal(sample(s, `kats_vrrp_transitions_total{${il},to=FAULT}`), 1);
    assert.equal(sample(s, `kats_vrrp_drops_total{${il},reason=wrong interface}`), 17);
    assert.equal(sample(s, `kats_vrrp_drops_total{${il},reason=auth_failure}`), 13);
    assert.equal(sample(s, 'kats_vrrp_sync_group_state{group=G1}'), 1);
    const rs0 = 'protocol=TCP,real_server=192.168.1.10:8080,virtual_server=10.0.0.100:80';
    const rs1 = 'protocol=TCP,real_server=192.168.1.11:8080,virtual_server=10.0.0.100:80';
    assert.equal(sample(s, `kats_real_server_up{${rs0}}`), 1);
    assert.equal(sample(s, `kats_real_server_up{${rs1}}`), 0);
    assert.equal(sample(s, `kats_real_server_weight{${rs0}}`), 3);
    assert.equal(sample(s, `kats_checker_up{checker=HTTP_GET,${rs0},target=192.168.1.10:8080}`), 1);
    assert.equal(sample(s, `kats_checker_latency_seconds{checker=TCP_CHECK,${rs1},target=192.168.1.11:8080}`), 1);
    assert.equal(sample(s, `kats_checker_failures_total{checker=TCP_CHECK,${rs1},target=192.168.1.11:8080}`), 30);
    assert.equal(sample(s, 'kats_reloads_total{result=ok}'), 1);
    assert.equal(sample(s, 'kats_reloads_total{result=failed}'), 1);
    assert.equal(sample(s, 'kats_last_reload_success'), 0);

    // Collected on scrape: a state change and a removed instance show on the next scrape.
    const first = snap.instances[0]!;
    snap = { ...snap, instances: [{ ...first, state: 'BACKUP', counters: { ...first.counters, releaseMaster: 3 } }] };
    const { samples: s2 } = await scrape(server.port);
    assert.equal(sample(s2, 'keepalived_vrrp_state{iname=VI_1,intf=eth0,ip_address=10.0.0.100/24,vrid=51}'), 1);
    assert.equal(sample(s2, 'keepalived_release_master_total{iname=VI_1,intf=eth0,state=BACKUP,vrid=51}'), 3);
    assert.equal(sample(s2, `keepalived_release_master_total{${vi1}}`), undefined, 'no stale series under the old state');
    assert.equal([...s2.keys()].some((k) => k.includes('VI_6')), false, 'removed instance is gone');
  } finally {
    await server.close();
  }
});

test('when the daemon cannot be asked, the scrape says keepalived_up 0 and nothing stale', async () => {
  let fail = false;
  const errors: unknown[] = [];
  const server = await startMetricsServer({
    host: '127.0.0.1', port: 0,
    snapshot: () => { if (fail) throw new Error('control socket timeout'); return sampleSnapshot(); },
    onError: (e) => errors.push(e),
  });
  try {
    assert.equal(sample((await scrape(server.port)).samples, 'keepalived_up'), 1);
    fail = true;
    const { samples } = await scrape(server.port);
    assert.equal(sample(samples, 'keepalived_up'), 0);
    assert.equal(sample(samples, 'kats_metrics_snapshot_errors_total'), 1);
    assert.equal([...samples.keys()].some((k) => k.startsWith('keepalived_vrrp_state')), false);
    assert.equal(errors.length, 1);
    const other = await fetch(`http://127.0.0.1:${server.port}/nope`);
    assert.equal(other.status, 404);
    await other.text();
  } finally {
    await server.close();
  }
});

test('a port already in use gives a typed error', async () => {
  const a = await startMetricsServer({ host: '127.0.0.1', port: 0, snapshot: sampleSnapshot });
  try {
    await assert.rejects(startMetricsServer({ host: '127.0.0.1', port: a.port, snapshot: sampleSnapshot }), { name: 'MetricsServerError', message: /EADDRINUSE/ });
  } finally {
    await a.close();
  }
});

test('nonsense numbers in the snapshot never break a scrape', async () => {
  const base = sampleSnapshot();
  const first = base.instances[0]!;
  const snap: DaemonSnapshot = {
    ...base,
    instances: [{ ...first, counters: { ...first.counters, advertRcvd: -5, advertSent: Number.NaN, drops: { odd: Number.POSITIVE_INFINITY } } }],
    reloads: { total: 1, failed: 3 },
  };
  const server = await startMetricsServer({ host: '127.0.0.1', port: 0, snapshot: () => snap });
  try {
    const { samples } = await scrape(server.port);
    assert.equal(sample(samples, 'keepalived_up'), 1);
    assert.equal(sample(samples, 'keepalived_advertisements_received_total{iname=VI_1,intf=eth0,state=MASTER,vrid=51}'), 0);
    assert.equal(sample(samples, 'kats_reloads_total{result=ok}'), 0);
  } finally {
    await server.close();
  }
});
