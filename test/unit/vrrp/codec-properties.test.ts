// Property tests: decoding never throws on arbitrary bytes, and decode(encode(a)) = a.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeAdvert, encodeAdvert, ipv6ToBytes, bytesToIpv6, type DecodeContext, type VrrpAdvert } from '../../../src/vrrp/packet/index.js';

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => bytesToIpv6(b));

const advertArb: fc.Arbitrary<{ advert: VrrpAdvert; src: string; dst: string; unicast: boolean }> = fc
  .record({
    version: fc.constantFrom<2 | 3>(2, 3),
    family: fc.constantFrom<'ipv4' | 'ipv6'>('ipv4', 'ipv6'),
    vrid: fc.integer({ min: 1, max: 255 }),
    priority: fc.integer({ min: 0, max: 255 }),
    v2int: fc.integer({ min: 1, max: 255 }),
    v3int: fc.integer({ min: 1, max: 4095 }),
    n: fc.integer({ min: 0, max: 20 }),
    pass: fc.option(fc.stringMatching(/^[a-zA-Z0-9]{1,8}$/), { nil: undefined }),
    unicast: fc.boolean(),
    seed: fc.integer(),
  })
  .chain((r) => {
    const addr = r.family === 'ipv4' ? ipv4 : ipv6;
    return fc.tuple(fc.constant(r), fc.array(addr, { minLength: r.n, maxLength: r.n }), addr, r.unicast ? addr.filter((a) => !/^(22[4-9]|23\d)\.|^ff/i.test(a)) : fc.constant(r.family === 'ipv4' ? '224.0.0.18' : 'ff02::12'));
  })
  .map(([r, addresses, src, dst]) => {
    const pass = r.version === 2 && r.family === 'ipv4' ? r.pass : undefined;
    const advert: VrrpAdvert = {
      version: r.version,
      family: r.family,
      vrid: r.vrid,
      priority: r.priority,
      advertIntMs: r.version === 2 ? r.v2int * 1000 : r.v3int * 10,
      addresses,
      authType: pass !== undefined ? 1 : 0,
      ...(pass !== undefined ? { authPassword: pass } : {}),
    };
    return { advert, src, dst, unicast: r.unicast };
  });

function ctxFor(a: VrrpAdvert, src: string, dst: string, unicast: boolean): DecodeContext {
  return {
    family: a.family, src, dst, ttl: 255, checkAddresses: true, verifyIpv6Checksum: true,
    expected: {
      vrid: a.vrid, version: a.version, addresses: a.addresses, advertIntMs: a.advertIntMs, authType: a.authType,
      ...(a.authPassword !== undefined ? { authPassword: a.authPassword } : {}), unicast,
    },
  };
}

describe('VRRP codec properties', () => {
  it('decode(encode(a)) = a for every valid advert', () => {
    fc.assert(
      fc.property(advertArb, ({ advert, src, dst, unicast }) => {
        const r = decodeAdvert(encodeAdvert(advert, { src, dst }), ctxFor(advert, src, dst, unicast));
        assert.ok(r.ok, r.ok ? '' : `${r.reason}: ${r.detail}`);
        const { src: _s, checksumAgainstMulticastGroup: _c, ...back } = r.advert;
        assert.deepEqual(back, advert);
      }),
      { numRuns: 500 },
    );
  });

  it('decode never throws on arbitrary bytes and arbitrary expectations', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        advertArb,
        fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
        (bytes, { advert, src, dst, unicast }, ttl) => {
          const ctx = ctxFor(advert, src, dst, unicast);
          if (ttl !== undefined) ctx.ttl = ttl;
          const r = decodeAdvert(bytes, ctx);
          assert.equal(typeof r.ok, 'boolean');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('decode never throws on near-valid packets (one random byte changed)', () => {
    fc.assert(
      fc.property(advertArb, fc.nat(), fc.nat(255), ({ advert, src, dst, unicast }, pos, val) => {
        const b = encodeAdvert(advert, { src, dst });
        b[pos % b.length] = val;
        const r = decodeAdvert(b, ctxFor(advert, src, dst, unicast));
        assert.equal(typeof r.ok, 'boolean');
      }),
      { numRuns: 1000 },
    );
  });

  it('IPv6 text round-trips through bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
      assert.deepEqual([...ipv6ToBytes(bytesToIpv6(b))], [...b]);
    }));
    assert.equal(bytesToIpv6(ipv6ToBytes('FD00:0009:0000:0000:0000:0000:0000:0100')), 'fd00:9::100');
    assert.equal(bytesToIpv6(ipv6ToBytes('::ffff:10.1.2.3')), '::ffff:a01:203');
    assert.equal(bytesToIpv6(ipv6ToBytes('1:0:0:1:0:0:0:1')), '1:0:0:1::1');
  });
});
