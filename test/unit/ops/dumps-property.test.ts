// Property: for any snapshot ka-ts can hold, both exporters read back exactly the states,
// VRIDs, interfaces, VIPs and counters from the three dump files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { renderDataDump } from '../../../src/ops/dumps/data-dump.js';
import { renderStatsDump } from '../../../src/ops/dumps/stats-dump.js';
import { renderJsonDump } from '../../../src/ops/dumps/json-dump.js';
import { emptyCounters, emptySnapshot, VRRP_STATE_CODE, type VrrpInstanceSnapshot, type VrrpState } from '../../../src/ops/snapshot.js';
import { exporterParseJson, gen2brainParseData, gen2brainParseStats, mehdyParseStats, mehdyParseVrrpData } from './exporter-parsers.js';

const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,14}$/);
const state = fc.constantFrom<VrrpState>('INIT', 'BACKUP', 'MASTER', 'FAULT');
const count = fc.nat({ max: 2 ** 31 - 1 });
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));

const instance = fc.record({
  name, iface: name, vrid: fc.integer({ min: 1, max: 255 }), state, wanted: state, version: fc.constantFrom(2, 3),
  prio: fc.integer({ min: 1, max: 255 }), vips: fc.array(fc.tuple(ipv4, fc.integer({ min: 0, max: 32 }), fc.option(name, { nil: undefined })), { maxLength: 4 }),
  counters: fc.array(count, { minLength: 14, maxLength: 14 }), at: fc.option(fc.integer({ min: 1e12, max: 2e12 }), { nil: undefined }),
  vipsSet: fc.boolean(),
}).map((r): VrrpInstanceSnapshot => {
  const [a, b, c, d, e, f, g, h, i, j, k, l, m, n] = r.counters as [number, number, number, number, number, number, number, number, number, number, number, number, number, number];
  return {
    name: r.name, interface: r.iface, vrid: r.vrid, version: r.version, family: 'inet', state: r.state, wantedState: r.wanted,
    basePriority: r.prio, effectivePriority: r.prio, advertIntMs: 1000,
    ...(r.at !== undefined ? { lastTransition: { atMs: r.at, to: r.state } } : {}),
    vips: r.vips.map(([address, prefixLen, dev]) => ({ address, prefixLen, dev: dev ?? r.iface })), excludedVips: [], vipsSet: r.vipsSet,
    unicastPeers: [], nopreempt: false, preemptDelayMs: 0, tracked: [],
    counters: { ...emptyCounters(), advertRcvd: a, advertSent: b, becomeMaster: c, releaseMaster: d, packetLenErr: e, advertIntervalErr: f, ipTtlErr: g,
      invalidTypeRcvd: h, addrListErr: i, invalidAuthtype: j, authtypeMismatch: k, authFailure: l, priZeroRcvd: m, priZeroSent: n },
  };
});

const instances = fc.uniqueArray(instance, { selector: (i) => i.name, maxLength: 5 });

test('exporters read back every instance, state and counter from any snapshot', () => {
  fc.assert(fc.property(instances, (list) => {
    const snap = { ...emptySnapshot(), instances: list };
    const data = mehdyParseVrrpData(renderDataDump(snap));
    const g2b = gen2brainParseData(renderDataDump(snap));
    const stats = mehdyParseStats(renderStatsDump(snap));
    const g2bStats = gen2brainParseStats(renderStatsDump(snap));
    const json = exporterParseJson(renderJsonDump(snap));
    assert.equal(data.size, list.length);
    assert.equal(g2b.length, list.length);
    assert.equal(g2bStats.length, list.length);
    list.forEach((inst, idx) => {
      const d = data.get(inst.name)!;
      assert.deepEqual([d.state, d.wantstate, d.vrid, d.intf], [VRRP_STATE_CODE[inst.state], VRRP_STATE_CODE[inst.wantedState], inst.vrid, inst.interface]);
      assert.deepEqual(d.vips.map((v) => v.split(' ')[0]), inst.vips.map((v) => `${v.address}/${v.prefixLen}`));
      assert.deepEqual([g2b[idx]!.iname, g2b[idx]!.vrid, g2b[idx]!.state, g2b[idx]!.ifp_ifname], [inst.name, inst.vrid, VRRP_STATE_CODE[inst.state], inst.interface]);
      const c = inst.counters;
      const expected = [c.advertRcvd, c.advertSent, c.becomeMaster, c.releaseMaster, c.packetLenErr, c.advertIntervalErr, c.ipTtlErr,
        c.invalidTypeRcvd, c.addrListErr, c.invalidAuthtype, c.authtypeMismatch, c.authFailure, c.priZeroRcvd, c.priZeroSent];
      const s = stats.get(inst.name)!;
      const got = [s.advert_rcvd, s.advert_sent, s.become_master, s.release_master, s.packet_len_err, s.advert_interval_err, s.ip_ttl_err,
        s.invalid_type_rcvd, s.addr_list_err, s.invalid_authtype, s.authtype_mismatch, s.auth_failure, s.pri_zero_rcvd, s.pri_zero_sent];
      assert.deepEqual(got, expected);
      assert.deepEqual(Object.values(g2bStats[idx]!), expected);
      assert.deepEqual([json[idx]!.data.iname, json[idx]!.data.state, json[idx]!.stats.pri_zero_sent], [inst.name, VRRP_STATE_CODE[inst.state], c.priZeroSent]);
    });
  }), { numRuns: 200 });
});
