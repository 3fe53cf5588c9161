import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatRfc3164, formatRfc5424, parseFacility, priority, sanitizeMessage, severityOfPinoLevel,
} from '../../../src/ops/logging/syslog-format.js';

test('-S 0-7 means local0-local7 as in keepalived; names are accepted; default daemon', () => {
  assert.equal(parseFacility(undefined), 3);
  assert.equal(parseFacility('0'), 16);
  assert.equal(parseFacility(7), 23);
  assert.equal(parseFacility('LOG_LOCAL3'), 19);
  assert.equal(parseFacility('daemon'), 3);
  assert.throws(() => parseFacility('8'), { name: 'SyslogFacilityError' });
  assert.throws(() => parseFacility('local9'), { name: 'SyslogFacilityError' });
});

test('pino levels map to syslog severities, PRI = facility*8 + severity', () => {
  assert.deepEqual([10, 20, 30, 40, 50, 60].map(severityOfPinoLevel), [7, 7, 6, 4, 3, 2]);
  assert.equal(priority(3, 6), 30);
  assert.equal(priority(16, 3), 131);
});

test('RFC 3164 and 5424 framing; one record never spans lines', () => {
  const d = new Date(2026, 0, 5, 7, 8, 9, 123);
  assert.equal(formatRfc3164(30, d, 'ka-ts', 42, 'a\nb'), '<30>Jan  5 07:08:09 ka-ts[42]: a b');
  assert.equal(formatRfc5424(131, d, 'lb1', 'ka-ts', 42, 'x'), `<131>1 ${d.toISOString()} lb1 ka-ts 42 - - x`);
  assert.equal(sanitizeMessage('a\r\n\tb\x01'), 'a \tb?');
});
