import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseListenAddress } from '../../../src/ops/metrics/listen-address.js';

test('a bare port listens on loopback only', () => {
  assert.deepEqual(parseListenAddress('9650'), { host: '127.0.0.1', port: 9650 });
});

test('ADDR:PORT, [IPv6]:PORT and host names', () => {
  assert.deepEqual(parseListenAddress('0.0.0.0:9650'), { host: '0.0.0.0', port: 9650 });
  assert.deepEqual(parseListenAddress('[::1]:9100'), { host: '::1', port: 9100 });
  assert.deepEqual(parseListenAddress('localhost:80'), { host: 'localhost', port: 80 });
});

test('malformed values get a typed error naming the problem', () => {
  const cases: [string, RegExp][] = [
    ['', /is not a port number/],
    ['abc', /'abc' is not a port number/],
    ['70000', /out of range/],
    ['0', /out of range/],
    ['::1:9650', /IPv6 address must be written in brackets/],
    ['[10.0.0.1]:80', /not an IPv6 address/],
    [':9650', /empty address/],
    ['host name:80', /not an address or host name/],
  ];
  for (const [value, re] of cases) {
    assert.throws(() => parseListenAddress(value), (err: Error) => err.name === 'ListenAddressError' && re.test(err.message), value);
  }
});
