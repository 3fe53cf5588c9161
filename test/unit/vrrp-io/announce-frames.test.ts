// The GARP and NA builders must produce exactly the frames keepalived 2.2.7 put on the wire
// (test/fixtures/vrrp, captured from the real binary).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGratuitousArp, buildUnsolicitedNa, icmpv6Checksum, ipv6Bytes, parseMac } from '../../../src/vrrp/io/announce-frames.js';
import { IoInputError } from '../../../src/vrrp/io/errors.js';

interface Fixture { garp: { frameHex: string }[]; na: { frameHex: string }[] }
const fixture = (name: string): Fixture => JSON.parse(readFileSync(join(process.cwd(), 'test/fixtures/vrrp', name), 'utf8')) as Fixture;
const KA_MAC = '02:00:00:00:66:01';

test('gratuitous ARP matches keepalived byte for byte', () => {
  const garps = fixture('v2-ipv4.json').garp.map((g) => g.frameHex);
  assert.ok(garps.length >= 2);
  assert.ok(garps.includes(buildGratuitousArp(KA_MAC, '10.66.0.100').toString('hex')));
  assert.ok(garps.includes(buildGratuitousArp(KA_MAC, '10.66.0.101').toString('hex')));
});

test('unsolicited NA matches keepalived byte for byte (source = VIP, Override only)', () => {
  const [na] = fixture('v3-ipv6.json').na;
  assert.ok(na);
  assert.equal(buildUnsolicitedNa({ mac: KA_MAC, target: 'fd00:66::100', router: false }).toString('hex'), na.frameHex);
});

test('NA router flag and checksum stays valid', () => {
  const f = buildUnsolicitedNa({ mac: KA_MAC, target: '2001:db8::5', router: true });
  assert.equal(f[14 + 40 + 4], 0xa0);
  const icmp = Buffer.from(f.subarray(54));
  // A correct checksum makes the sum over pseudo-header + message (checksum included) zero.
  assert.equal(icmpv6Checksum(f.subarray(22, 38), f.subarray(38, 54), icmp), 0);
});

test('IPv6 text forms', () => {
  assert.equal(ipv6Bytes('::').toString('hex'), '0'.repeat(32));
  assert.equal(ipv6Bytes('fe80::1').toString('hex'), 'fe80' + '0'.repeat(26) + '01');
  assert.equal(ipv6Bytes('::ffff:10.1.2.3').toString('hex'), '0'.repeat(20) + 'ffff0a010203');
  assert.equal(ipv6Bytes('2001:db8:0:0:1:2:3:4').toString('hex'), '20010db8000000000001000200030004');
});

test('bad input is a typed error', () => {
  assert.throws(() => parseMac('02:00:00:00:66'), IoInputError);
  assert.throws(() => buildGratuitousArp(KA_MAC, '10.0.0.256'), IoInputError);
  assert.throws(() => buildUnsolicitedNa({ mac: KA_MAC, target: '10.0.0.1', router: false }), IoInputError);
});
