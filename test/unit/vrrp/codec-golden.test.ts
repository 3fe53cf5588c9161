// The codec against adverts captured from the real keepalived 2.2.7: encode must reproduce the
// bytes exactly, decode must accept them with the right fields.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAdvert, encodeAdvert, internetChecksum, type DecodeContext, type VrrpAdvert } from '../../../src/vrrp/packet/index.js';
import { CAPTURES, type KeepalivedCapture } from './keepalived-captures.js';

interface Case {
  cap: KeepalivedCapture;
  advert: VrrpAdvert;
  unicast: boolean;
}

const cases: Record<string, Case> = {
  v2pass: {
    cap: CAPTURES.v2pass,
    unicast: false,
    advert: { version: 2, family: 'ipv4', vrid: 51, priority: 100, advertIntMs: 1000, addresses: ['192.168.200.16', '192.168.200.17'], authType: 1, authPassword: '1111' },
  },
  v3v4: {
    cap: CAPTURES.v3v4,
    unicast: false,
    advert: { version: 3, family: 'ipv4', vrid: 52, priority: 150, advertIntMs: 500, addresses: ['10.9.0.100'], authType: 0 },
  },
  v3v4uni: {
    cap: CAPTURES.v3v4uni,
    unicast: true,
    advert: { version: 3, family: 'ipv4', vrid: 53, priority: 200, advertIntMs: 1000, addresses: ['10.9.0.101', '10.9.0.102', '10.9.0.103'], authType: 0 },
  },
  v3v6: {
    cap: CAPTURES.v3v6,
    unicast: false,
    advert: { version: 3, family: 'ipv6', vrid: 54, priority: 120, advertIntMs: 100, addresses: ['fd00:9::100', 'fd00:9::200'], authType: 0 },
  },
  v2v6: {
    cap: CAPTURES.v2v6,
    unicast: false,
    advert: { version: 2, family: 'ipv6', vrid: 55, priority: 90, advertIntMs: 2000, addresses: ['fd00:9::55'], authType: 0 },
  },
  v2stop: {
    cap: CAPTURES.v2stop,
    unicast: false,
    advert: { version: 2, family: 'ipv4', vrid: 56, priority: 0, advertIntMs: 1000, addresses: ['192.168.1.1'], authType: 0 },
  },
  v3stop6: {
    cap: CAPTURES.v3stop6,
    unicast: false,
    advert: { version: 3, family: 'ipv6', vrid: 58, priority: 0, advertIntMs: 200, addresses: ['fd00:9::58'], authType: 0 },
  },
  v2uni: {
    cap: CAPTURES.v2uni,
    unicast: true,
    advert: { version: 2, family: 'ipv4', vrid: 57, priority: 100, advertIntMs: 1000, addresses: ['192.168.1.1'], authType: 0 },
  },
};

export function contextFor(c: Case): DecodeContext {
  return {
    family: c.advert.family,
    src: c.cap.src,
    dst: c.cap.dst,
    ttl: c.cap.ttl,
    checkAddresses: true,
    verifyIpv6Checksum: true,
    expected: {
      vrid: c.advert.vrid,
      version: c.advert.version,
      addresses: c.advert.addresses,
      advertIntMs: c.advert.advertIntMs,
      authType: c.advert.authType,
      ...(c.advert.authPassword !== undefined ? { authPassword: c.advert.authPassword } : {}),
      unicast: c.unicast,
    },
  };
}

describe('VRRP codec against keepalived 2.2.7 captures', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`${name}: encode reproduces keepalived's bytes`, () => {
      const out = encodeAdvert(c.advert, { src: c.cap.src, dst: c.cap.dst });
      assert.equal(out.toString('hex'), c.cap.payloadHex);
    });
    it(`${name}: decode accepts keepalived's advert`, () => {
      const r = decodeAdvert(Buffer.from(c.cap.payloadHex, 'hex'), contextFor(c));
      assert.ok(r.ok, r.ok ? '' : `${r.reason}: ${r.detail}`);
      const { src, checksumAgainstMulticastGroup, ...advert } = r.advert;
      assert.deepEqual(advert, c.advert);
      assert.equal(checksumAgainstMulticastGroup, false);
      assert.equal(src, c.cap.src);
    });
  }

  it('IPv4 header keepalived built carries a valid header checksum (sanity of the capture itself)', () => {
    for (const c of Object.values(cases)) {
      if (c.advert.family === 'ipv4') assert.equal(internetChecksum(Buffer.from(c.cap.ipHex, 'hex')), 0);
    }
  });

  it('IPv6 without endpoints leaves the checksum 0 for the kernel (IPV6_CHECKSUM), like keepalived', () => {
    const out = encodeAdvert(cases.v3v6!.advert);
    assert.equal(out.readUInt16BE(6), 0);
    assert.equal(out.subarray(8).toString('hex'), CAPTURES.v3v6.payloadHex.slice(16));
  });

  it('v3 IPv4 unicast: a checksum computed against 224.0.0.18 (old keepalived) is accepted and flagged', () => {
    const c = cases.v3v4uni!;
    const compat = encodeAdvert(c.advert, { src: c.cap.src, dst: '224.0.0.18' });
    assert.notEqual(compat.toString('hex'), c.cap.payloadHex);
    const r = decodeAdvert(compat, contextFor(c));
    assert.ok(r.ok);
    assert.equal(r.advert.checksumAgainstMulticastGroup, true);
  });
});
