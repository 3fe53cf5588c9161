// Every drop reason, triggered by changing one thing in a real keepalived advert, in the order
// keepalived's vrrp_check_packet checks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DROP_AFTER_RECEIVED_COUNT,
  DROP_REASONS,
  DROP_REASON_STAT,
  decodeAdvert,
  encodeAdvert,
  internetChecksum,
  type DecodeContext,
  type DropReason,
} from '../../../src/vrrp/packet/index.js';
import { CAPTURES } from './keepalived-captures.js';

const v2 = (): Buffer => Buffer.from(CAPTURES.v2pass.payloadHex, 'hex');
const v2ctx = (): DecodeContext => ({
  family: 'ipv4',
  src: '10.9.0.1',
  dst: '224.0.0.18',
  ttl: 255,
  checkAddresses: true,
  expected: { vrid: 51, version: 2, addresses: ['192.168.200.16', '192.168.200.17'], advertIntMs: 1000, authType: 1, authPassword: '1111', unicast: false },
});
const v3 = (): Buffer => Buffer.from(CAPTURES.v3v4.payloadHex, 'hex');
const v3ctx = (): DecodeContext => ({
  family: 'ipv4',
  src: '10.9.0.1',
  dst: '224.0.0.18',
  ttl: 255,
  checkAddresses: true,
  expected: { vrid: 52, version: 3, addresses: ['10.9.0.100'], advertIntMs: 500, authType: 0, unicast: false },
});

/** Recomputes the v2 checksum after a mutation so that only the intended check fails. */
function fixV2(b: Buffer): Buffer {
  b.writeUInt16BE(0, 6);
  b.writeUInt16BE(internetChecksum(b), 6);
  return b;
}

function expectDrop(payload: Uint8Array, ctx: DecodeContext, reason: DropReason): void {
  const r = decodeAdvert(payload, ctx);
  assert.equal(r.ok, false, `expected drop ${reason}`);
  if (!r.ok) {
    assert.equal(r.reason, reason, r.detail);
    assert.ok(r.detail.length > 0);
  }
}

describe('VRRP decode drop reasons', () => {
  it('too-short: less than the 8-byte header', () => expectDrop(v2().subarray(0, 7), v2ctx(), 'too-short'));
  it('vrid-unknown: another VRID', () => expectDrop(v2(), { ...v2ctx(), expected: { ...v2ctx().expected, vrid: 52 } }, 'vrid-unknown'));
  it('packet-length: one byte short / long', () => {
    expectDrop(v2().subarray(0, 23), v2ctx(), 'packet-length');
    expectDrop(Buffer.concat([v2(), Buffer.alloc(1)]), v2ctx(), 'packet-length');
  });
  it('packet-length: our VIP count differs (keepalived checks length first)', () =>
    expectDrop(v2(), { ...v2ctx(), expected: { ...v2ctx().expected, addresses: ['192.168.200.16'] } }, 'packet-length'));
  it('packet-length: IPv4 total length disagrees with what was read', () =>
    expectDrop(v2(), { ...v2ctx(), ipHeaderLength: 20, ipTotalLength: 45 }, 'packet-length'));
  it('ttl: multicast advert with TTL 254', () => expectDrop(v2(), { ...v2ctx(), ttl: 254 }, 'ttl'));
  it('ttl is not checked for unicast instances', () => {
    const r = decodeAdvert(Buffer.from(CAPTURES.v2uni.payloadHex, 'hex'), {
      family: 'ipv4', src: '10.9.0.1', dst: '10.9.0.2', ttl: 3, checkAddresses: true,
      expected: { vrid: 57, version: 2, addresses: ['192.168.1.1'], advertIntMs: 1000, authType: 0, unicast: true },
    });
    assert.ok(r.ok);
  });
  it('version: v3 header at a v2 instance with equal length', () => {
    const b = v2();
    b[0] = 0x31;
    expectDrop(fixV2(b), v2ctx(), 'version');
  });
  it('auth-type-invalid: auth type 3', () => {
    const b = v2();
    b[4] = 3;
    expectDrop(fixV2(b), v2ctx(), 'auth-type-invalid');
  });
  it('auth-type-mismatch: none received, PASS expected', () => {
    const b = v2();
    b[4] = 0;
    expectDrop(fixV2(b), v2ctx(), 'auth-type-mismatch');
  });
  it('auth-failure: wrong password', () => {
    const b = v2();
    b.write('2222', 16);
    expectDrop(fixV2(b), v2ctx(), 'auth-failure');
  });
  it('advert-interval-mismatch: v2 2 s vs our 1 s', () => expectDrop(v2(), { ...v2ctx(), expected: { ...v2ctx().expected, advertIntMs: 2000 } }, 'advert-interval-mismatch'));
  it('v3 accepts a different interval (the backup adopts it)', () => {
    const r = decodeAdvert(v3(), { ...v3ctx(), expected: { ...v3ctx().expected, advertIntMs: 1000 } });
    assert.ok(r.ok);
    assert.equal(r.advert.advertIntMs, 500);
  });
  it('type: type 2', () => {
    const b = v2();
    b[0] = 0x22;
    expectDrop(fixV2(b), v2ctx(), 'type');
  });
  it('address-count: count field 1 in a 2-address packet', () => {
    const b = v2();
    b[3] = 1;
    expectDrop(fixV2(b), v2ctx(), 'address-count');
  });
  it('checksum: v2 flipped bit', () => {
    const b = v2();
    b[6] = (b[6] ?? 0) ^ 1;
    expectDrop(b, v2ctx(), 'checksum');
  });
  it('checksum: v3 IPv4 verified against the pseudo-header (wrong source fails)', () => expectDrop(v3(), { ...v3ctx(), src: '10.9.0.2' }, 'checksum'));
  it('checksum: IPv6 when asked to verify', () => {
    const b = Buffer.from(CAPTURES.v3v6.payloadHex, 'hex');
    const ctx: DecodeContext = {
      family: 'ipv6', src: 'fe80::1', dst: 'ff02::12', ttl: 255, checkAddresses: true, verifyIpv6Checksum: true,
      expected: { vrid: 54, version: 3, addresses: ['fd00:9::100', 'fd00:9::200'], advertIntMs: 100, authType: 0, unicast: false },
    };
    expectDrop(b, ctx, 'checksum');
    assert.ok(decodeAdvert(b, { ...ctx, verifyIpv6Checksum: false }).ok, 'kernel-verified by default');
  });
  it('cast-mismatch: multicast advert at a unicast instance', () =>
    expectDrop(v2(), { ...v2ctx(), expected: { ...v2ctx().expected, unicast: true } }, 'cast-mismatch'));
  it('cast-mismatch: unicast advert at a multicast instance', () => {
    const b = encodeAdvert({ version: 3, family: 'ipv4', vrid: 52, priority: 150, advertIntMs: 500, addresses: ['10.9.0.100'], authType: 0 }, { src: '10.9.0.1', dst: '10.9.0.3' });
    expectDrop(b, { ...v3ctx(), dst: '10.9.0.3' }, 'cast-mismatch');
  });
  it('address-list: a VIP of ours missing, unless the check is skipped', () => {
    const ctx = { ...v2ctx(), expected: { ...v2ctx().expected, addresses: ['192.168.200.16', '192.168.200.99'] } };
    expectDrop(v2(), ctx, 'address-list');
    assert.ok(decodeAdvert(v2(), { ...ctx, checkAddresses: false }).ok);
  });
  it('unicast-source: source not a unicast peer when vrrp_check_unicast_src is set', () => {
    const b = Buffer.from(CAPTURES.v2uni.payloadHex, 'hex');
    const ctx: DecodeContext = {
      family: 'ipv4', src: '10.9.0.1', dst: '10.9.0.2', ttl: 255, checkAddresses: true,
      expected: { vrid: 57, version: 2, addresses: ['192.168.1.1'], advertIntMs: 1000, authType: 0, unicast: true, checkUnicastSource: true, unicastPeers: ['10.9.0.7'] },
    };
    expectDrop(b, ctx, 'unicast-source');
    assert.ok(decodeAdvert(b, { ...ctx, expected: { ...ctx.expected, unicastPeers: ['10.9.0.1'] } }).ok);
  });
  it('bad-context: an unparseable configured address is reported, not thrown', () =>
    expectDrop(v2(), { ...v2ctx(), expected: { ...v2ctx().expected, addresses: ['192.168.200.16', 'not-an-ip'] } }, 'bad-context'));
  it('every reason maps to a statistic; only the post-count reasons count as received', () => {
    for (const r of DROP_REASONS) assert.ok(DROP_REASON_STAT[r].length > 0);
    assert.deepEqual([...DROP_AFTER_RECEIVED_COUNT].sort(), ['address-list', 'unicast-source']);
  });
});
