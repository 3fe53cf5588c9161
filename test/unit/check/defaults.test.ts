import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStatusCodes, resolveTiming, StatusCodeError } from '../../../src/check/defaults.js';
import { parseKeepalivedHex, HexStringError } from '../../../src/check/probes/hex-string.js';
import { statusAccepted } from '../../../src/check/probes/status-codes.js';
import { splitCommandLine, CommandLineError } from '../../../src/check/probes/command-line.js';
import { udpReplyMismatch } from '../../../src/check/probes/udp.js';

test('keepalived defaults per checker type', () => {
  assert.deepEqual(resolveTiming('TCP_CHECK', {}, {}, {}), { delayLoopMs: 60000, retry: 1, delayBeforeRetryMs: 1000, warmupMs: 60000, alpha: false, connectTimeoutMs: 5000 });
  assert.equal(resolveTiming('HTTP_GET', {}, {}, {}).delayBeforeRetryMs, 3000);
  assert.equal(resolveTiming('SSL_GET', {}, {}, {}).delayBeforeRetryMs, 3000);
  const dns = resolveTiming('DNS_CHECK', {}, {}, { delayLoop: 7 });
  assert.deepEqual([dns.retry, dns.delayBeforeRetryMs], [3, 7000]);
  assert.equal(resolveTiming('MISC_CHECK', {}, {}, {}).retry, 0);
});

test('checker overrides real server overrides virtual server; warmup follows the resolved delay_loop', () => {
  const t = resolveTiming('TCP_CHECK', { retry: 4 }, { delayLoop: 2, retry: 2 }, { delayLoop: 10, warmup: 0.5, alpha: true, connectTimeout: 3 });
  assert.deepEqual(t, { delayLoopMs: 2000, retry: 4, delayBeforeRetryMs: 1000, warmupMs: 500, alpha: true, connectTimeoutMs: 3000 });
  assert.equal(resolveTiming('TCP_CHECK', {}, { delayLoop: 2 }, {}).warmupMs, 2000);
  assert.equal(resolveTiming('TCP_CHECK', { warmup: 0 }, {}, {}).warmupMs, 0, 'warmup 0 disables');
});

test('status_code words', () => {
  const r = parseStatusCodes(['200-299', '301', '503']);
  assert.deepEqual(r, [[200, 299], [301, 301], [503, 503]]);
  assert.equal(statusAccepted(302, r), false);
  assert.equal(statusAccepted(503, r), true);
  assert.equal(statusAccepted(204, []), true, 'default 200-299');
  assert.throws(() => parseStatusCodes(['2xx']), StatusCodeError);
  assert.throws(() => parseStatusCodes(['300-200']), StatusCodeError);
});

test('keepalived hex strings: pairs per group, odd digit last, X wildcards only where allowed', () => {
  assert.deepEqual([...parseKeepalivedHex('Ab12f 3 456 546443123', false).data], [0xab, 0x12, 0x0f, 0x03, 0x45, 0x06, 0x54, 0x64, 0x43, 0x12, 0x03]);
  const w = parseKeepalivedHex('1x ff', true);
  assert.deepEqual([...w.data], [0x10, 0xff]);
  assert.deepEqual([...w.mask!], [0x0f, 0x00]);
  assert.throws(() => parseKeepalivedHex('1x', false), HexStringError);
  assert.throws(() => parseKeepalivedHex('  ', false), HexStringError);
  assert.equal(udpReplyMismatch(Uint8Array.from([0x17, 0xff, 9]), { minReplyLength: 0, maxReplyLength: 255, replyData: w.data, replyMask: w.mask! }), undefined);
  assert.match(udpReplyMismatch(Uint8Array.from([0x27]), { minReplyLength: 0, maxReplyLength: 255, replyData: w.data, replyMask: w.mask! })!, /byte 0/);
});

test('script command lines split like keepalived (quotes, escapes, no shell)', () => {
  assert.deepEqual(splitCommandLine(`/bin/check "a b" 'c d' e\\ f`), ['/bin/check', 'a b', 'c d', 'e f']);
  assert.throws(() => splitCommandLine('/bin/x "open'), CommandLineError);
  assert.throws(() => splitCommandLine('   '), CommandLineError);
});
