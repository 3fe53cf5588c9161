// url regex: PCRE2 options mapped to JavaScript flags, what cannot be mapped reported, and the
// config check saying which checker settings ka-ts does not honour (without changing the exit code).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bodyMatches, bodyRegex } from '../../../src/check/body-regex.js';
import { loadConfig } from '../../../src/config/load.js';
import { checkerSpecsFromConfig } from '../../../src/check/from-config.js';

test('regex_options: caseless/multiline/dotall/utf become flags, optimisation options are dropped, the rest reported', () => {
  const r = bodyRegex({ regex: 'a.b', regexOptions: ['caseless', 'dotall', 'multiline', 'no_start_optimize', 'extended', 'ungreedy', 'caseless'] });
  assert.deepEqual(r.spec, { source: 'a.b', flags: 'ism', noMatch: false, minOffset: 0 });
  assert.deepEqual(r.ignoredOptions, ['extended', 'ungreedy']);
  assert.match(bodyRegex({ regex: '(unclosed' }).error ?? '', /Invalid regular expression/);
});

test('bodyMatches: byte offsets over latin1, UTF-8 with utf, leftmost match against max offset', () => {
  const body = Buffer.from('status: OK\nload: 0.5\n');
  const m = (regex: string, more: Parameters<typeof bodyRegex>[0] extends infer T ? Partial<T> : never = {}) => bodyMatches(bodyRegex({ regex, ...more }).spec!, body);
  assert.equal(m('^load'), false);
  assert.equal(m('^load', { regexOptions: ['multiline'] }), true);
  assert.equal(m('OK', { regexMinOffset: 8 }), true);
  assert.equal(m('OK', { regexMinOffset: 9 }), false);
  assert.equal(m('OK', { regexMaxOffset: 8 }), true);
  assert.equal(m('OK', { regexMaxOffset: 7 }), false);
  // 'é' is two bytes: without utf it is two characters, with utf one.
  const e = Buffer.from('café', 'utf8');
  assert.equal(bodyMatches(bodyRegex({ regex: '^caf.$' }).spec!, e), false);
  assert.equal(bodyMatches(bodyRegex({ regex: '^caf.$', regexOptions: ['utf'] }).spec!, e), true);
});

test('config: regex keywords are read and the checker gets them; settings ka-ts does not honour are warnings with exit code 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kt-regex-'));
  try {
    const file = join(dir, 'k.conf');
    writeFileSync(file, `virtual_server 192.0.2.1 80 {
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server 10.1.0.1 80 {
    HTTP_GET {
      url {
        path /health
        regex "^OK"
        regex_no_match
        regex_options caseless extended
        regex_min_offset 3
        regex_max_offset 40
      }
      url {
        path /bad
        regex "(?<n>a)(?<n>b)"
      }
      http_protocol 1.0
      bind_if eth0
    }
    FILE_CHECK {
      track_file f1
    }
    PING_CHECK {
      bindto 10.9.9.9
    }
  }
}
`);
    const r = await loadConfig(file, { skipHostChecks: true });
    assert.equal(r.exitCode, 0);
    const notes = r.diagnostics.filter((d) => d.code === 'not-implemented').map((d) => `${d.loc?.line}: ${d.message}`);
    assert.deepEqual(notes.map((n) => n.replace(/\(Invalid regular expression.*Duplicate capture group name\)/, '(…)')), [
      '5: real_server 10.1.0.1 80: FILE_CHECK is not implemented - accepted and ignored (ka-ts)',
      '6: HTTP_GET: bind_if eth0 is not implemented (TCP_CHECK only) - the check is not bound to the interface (ka-ts)',
      '6: HTTP_GET: http_protocol 1.0 - ka-ts always sends HTTP/1.1 requests with Connection: close (http_protocol 1.1) (ka-ts)',
      '7: url /health: regex_options extended has no JavaScript equivalent - ignored (ka-ts)',
      '15: url /bad: regex "(?<n>a)(?<n>b)" is not a JavaScript regular expression (…) - this checker is not run (ka-ts)',
      '25: PING_CHECK: bindto 10.9.9.9 is not implemented - the echo request leaves from the route\'s source address (ka-ts)',
    ]);
    const rs = r.model!.virtualServers[0]!.realServers[0]!;
    const { specs, diagnostics } = checkerSpecsFromConfig({ ...r.model!, virtualServers: [{ ...r.model!.virtualServers[0]!, realServers: [rs] }] });
    assert.deepEqual(specs[0]!.realServers[0]!.checkers.map((c) => c.probe.type), ['PING_CHECK'], 'the checker with a regex JavaScript cannot compile is not run');
    assert.match(diagnostics[0]!.message, /regex .* is not a JavaScript regular expression/);
    // Without the bad url the checker runs with the first url's regex.
    const http = rs.checkers[0]!;
    if (http.type !== 'HTTP_GET') throw new Error('expected HTTP_GET');
    http.urls = http.urls.slice(0, 1);
    const ok = checkerSpecsFromConfig(r.model!);
    const probe = ok.specs[0]!.realServers[0]!.checkers[0]!.probe;
    assert.equal(probe.type, 'HTTP_GET');
    if (probe.type === 'HTTP_GET') assert.deepEqual(probe.urls[0]!.regex, { source: '^OK', flags: 'i', noMatch: true, minOffset: 3, maxOffset: 40 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
