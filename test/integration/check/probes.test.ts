// Each checker against real servers started on loopback: pass, fail and timeout.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { probeTcp, probeTcpHandle, probeTcpNative, probeTcpSocket } from '../../../src/check/probes/tcp.js';
import { tcpHandleAvailable } from '../../../src/check/probes/tcp-handle.js';
import { tcpNativeAvailable, tcpNativeIdleSockets, tcpNativeInFlight } from '../../../src/check/probes/tcp-native.js';
import { probeHttp } from '../../../src/check/probes/http.js';
import { bodyRegex, type BodyRegexInput } from '../../../src/check/body-regex.js';
import { probeUdp } from '../../../src/check/probes/udp.js';
import { probeDns } from '../../../src/check/probes/dns.js';
import { probeSmtp } from '../../../src/check/probes/smtp.js';
import { probeMisc, killRunningScripts } from '../../../src/check/probes/misc.js';
import { parseKeepalivedHex } from '../../../src/check/probes/hex-string.js';
import type { ConnectSpec, HttpCheckSpec } from '../../../src/check/spec.js';
import * as S from './servers.js';

const at = (port: number, extra: Partial<ConnectSpec> = {}): ConnectSpec => ({ host: '127.0.0.1', port, timeoutMs: 800, ...extra });

describe('TCP_CHECK', () => {
  test('the native prober is built and Node 20 has the TCP handle binding (the fallback)', () => {
    assert.equal(tcpNativeAvailable(), true, 'npm run build:native builds native/build/Release/kats_native.node');
    assert.equal(tcpHandleAvailable(), true);
  });
  for (const [name, probe] of [['native prober', probeTcpNative], ['TCP handle', probeTcpHandle], ['net.Socket', probeTcpSocket]] as const) {
    test(`${name}: passes on a listener, fails on a closed port, honours bindto and bind_port, IPv6`, async () => {
      const srv = await S.tcpServer('127.0.0.1');
      const srv6 = await S.tcpServer('::1');
      try {
        const okR = await probe({ type: 'TCP_CHECK', connect: at(srv.port) });
        assert.equal(okR.ok, true, okR.reason);
        assert.ok(okR.latencyMs >= 0);
        const bad = await probe({ type: 'TCP_CHECK', connect: at(await S.closedPort()) });
        assert.deepEqual([bad.ok, bad.reason], [false, 'connection refused']);
        const bindPort = 20000 + ((process.pid * 7 + name.length) % 20000);
        const bound = await probe({ type: 'TCP_CHECK', connect: at(srv.port, { bindTo: '127.0.0.2', bindPort }) });
        // Which source the SYN carried is checked on the wire in tcp-bind.test.ts: the check's RST
        // can reach the server before it accepts, and then it cannot read the peer's address.
        assert.equal(bound.ok, true, bound.reason);
        const badBind = await probe({ type: 'TCP_CHECK', connect: at(srv.port, { bindTo: '192.0.2.77' }) });
        assert.deepEqual([badBind.ok, badBind.reason], [false, 'bind address not available']);
        const v6 = await probe({ type: 'TCP_CHECK', connect: { host: '::1', port: srv6.port, timeoutMs: 800 } });
        assert.equal(v6.ok, true, v6.reason);
      } finally {
        await srv.close();
        await srv6.close();
      }
    });
  }
  test('connections are ended with a RST as keepalived does (SO_LINGER 0): no TIME_WAIT socket per check', async () => {
    const srv = await S.tcpServer('127.0.0.1');
    const timeWait = (): number => execFileSync('ss', ['-Htan', 'state', 'time-wait', `( sport = :${srv.port} or dport = :${srv.port} )`], { encoding: 'utf8' }).split('\n').filter(Boolean).length;
    try {
      for (const probe of [probeTcpNative, probeTcpHandle, probeTcpSocket]) {
        for (let i = 0; i < 20; i++) assert.equal((await probe({ type: 'TCP_CHECK', connect: at(srv.port) })).ok, true);
      }
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(timeWait(), 0);
      // The control: a plain close leaves one TIME_WAIT on the side that closed first.
      const plain = await new Promise<net.Socket>((resolve, reject) => {
        const c = net.connect(srv.port, '127.0.0.1', () => resolve(c));
        c.on('error', reject);
      });
      plain.end();
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(timeWait() >= 1, 'a FIN close does leave TIME_WAIT (the measurement works)');
    } finally {
      await srv.close();
    }
  });
  test('native prober: a socket kept from an earlier check gives the right verdict for the next, whatever came before', async () => {
    const srv = await S.tcpServer('127.0.0.1');
    const srv6 = await S.tcpServer('::1');
    const closed = await S.closedPort();
    const ownSockets = (): string[] => execFileSync('ss', ['-Htanp', `( dport = :${srv.port} or dport = :${srv6.port} or dport = :${closed} )`], { encoding: 'utf8' })
      .split('\n').filter((l) => l.includes(`pid=${process.pid},`));
    try {
      // Up, refused, up, IPv6 up, up: sequentially, so each check takes the socket the one before left.
      const plan = ['up', 'refused', 'up', 'v6', 'refused', 'v6', 'up', 'up'] as const;
      for (let round = 0; round < 5; round++) {
        for (const what of plan) {
          const connect = what === 'v6' ? { host: '::1', port: srv6.port, timeoutMs: 800 } : at(what === 'up' ? srv.port : closed);
          const r = await probeTcpNative({ type: 'TCP_CHECK', connect });
          assert.deepEqual([what, r.ok, r.reason], [what, what !== 'refused', what === 'refused' ? 'connection refused' : 'connected']);
        }
      }
      assert.ok(tcpNativeIdleSockets() >= 1 && tcpNativeIdleSockets() <= 2, `one idle socket per address family, not one per check (${tcpNativeIdleSockets()})`);
      assert.equal(tcpNativeInFlight(), 0);
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(ownSockets(), [], 'no connection of ours is left towards the servers (kept sockets are disconnected)');
    } finally {
      await srv.close();
      await srv6.close();
    }
  });
  test('a scoped IPv6 address (::1%lo), which the prober does not parse, is checked through Node\'s TCP handle', async () => {
    const srv6 = await S.tcpServer('::1');
    try {
      const r = await probeTcp({ type: 'TCP_CHECK', connect: { host: '::1%lo', port: srv6.port, timeoutMs: 800 } });
      assert.equal(r.ok, true, r.reason);
    } finally {
      await srv6.close();
    }
  });
  test('many checks at once: each settles once, in any order, and the prober is left empty', async () => {
    const srv = await S.tcpServer('127.0.0.1');
    const closed = await S.closedPort();
    try {
      const results = await Promise.all(Array.from({ length: 400 }, (_, i) => probeTcp({ type: 'TCP_CHECK', connect: at(i % 2 ? srv.port : closed) })));
      assert.deepEqual(results.map((r) => r.ok), Array.from({ length: 400 }, (_, i) => i % 2 === 1));
      assert.equal(tcpNativeInFlight(), 0);
    } finally {
      await srv.close();
    }
  });
});

describe('HTTP_GET / SSL_GET', () => {
  let h: Awaited<ReturnType<typeof S.httpServer>>;
  let hs: Awaited<ReturnType<typeof S.httpsServer>>;
  let cert: { key: string; cert: string };
  before(async () => { cert = S.selfSignedCert(); h = await S.httpServer(); hs = await S.httpsServer(cert); });
  after(async () => { await h.close(); await hs.close(); });
  const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
  const spec = (port: number, urls: HttpCheckSpec['urls'], extra: Partial<HttpCheckSpec> = {}): HttpCheckSpec =>
    ({ type: 'HTTP_GET', connect: at(port), urls, ...extra });

  test('status codes: default 2xx, explicit lists and ranges', async () => {
    assert.equal((await probeHttp(spec(h.port, [{ path: '/ok', statusCodes: [] }]))).ok, true);
    const r503 = await probeHttp(spec(h.port, [{ path: '/unavailable', statusCodes: [] }]));
    assert.deepEqual([r503.ok, r503.reason], [false, '/unavailable: status 503 not in 200-299']);
    assert.equal((await probeHttp(spec(h.port, [{ path: '/unavailable', statusCodes: [[200, 200], [500, 599]] }]))).ok, true);
    // Redirects are not followed: 301 is judged as it is.
    assert.equal((await probeHttp(spec(h.port, [{ path: '/moved', statusCodes: [] }]))).ok, false);
    assert.equal((await probeHttp(spec(h.port, [{ path: '/moved', statusCodes: [[301, 301]] }]))).ok, true);
  });

  test('digest is the MD5 of the body; every url must pass', async () => {
    assert.equal((await probeHttp(spec(h.port, [{ path: '/ok', statusCodes: [], digest: md5('hello') }]))).ok, true);
    const bad = await probeHttp(spec(h.port, [{ path: '/ok', statusCodes: [], digest: md5('other') }]));
    assert.equal(bad.ok, false);
    assert.match(bad.reason, /digest/);
    const two = await probeHttp(spec(h.port, [{ path: '/ok', statusCodes: [] }, { path: '/unavailable', statusCodes: [] }]));
    assert.equal(two.ok, false);
  });

  test('url regex on the body, after status and digest: match, regex_no_match, caseless, min and max offsets', async () => {
    // /ok answers "hello". Each case goes through bodyRegex() as the config does.
    const withRegex = (path: string, regex: string, more: Omit<BodyRegexInput, 'regex'> = {}) =>
      probeHttp(spec(h.port, [{ path, statusCodes: [], regex: bodyRegex({ regex, ...more }).spec! }]));
    const verdict = async (...a: Parameters<typeof withRegex>) => { const r = await withRegex(...a); return [r.ok, r.reason]; };
    assert.deepEqual(await verdict('/ok', 'el+o$'), [true, 'all urls passed']);
    assert.deepEqual(await verdict('/ok', '^HEL'), [false, '/ok: body does not match regex "^HEL"']);
    assert.deepEqual(await verdict('/ok', '^HEL', { regexOptions: ['caseless'] }), [true, 'all urls passed']);
    assert.deepEqual(await verdict('/ok', 'maintenance', { regexNoMatch: true }), [true, 'all urls passed']);
    assert.deepEqual(await verdict('/ok', 'ell', { regexNoMatch: true }), [false, '/ok: body matches regex "ell"']);
    assert.deepEqual(await verdict('/ok', 'el', { regexMinOffset: 2 }), [false, '/ok: body does not match regex "el"']);
    assert.deepEqual(await verdict('/ok', 'll', { regexMinOffset: 2 }), [true, 'all urls passed']);
    assert.deepEqual(await verdict('/ok', 'ell', { regexMaxOffset: 0 }), [false, '/ok: body does not match regex "ell"']);
    assert.deepEqual(await verdict('/ok', 'ell', { regexMaxOffset: 1 }), [true, 'all urls passed']);
    assert.deepEqual(await verdict('/unavailable', '.*'), [false, '/unavailable: status 503 not in 200-299'], 'the status is judged first');
  });

  test('virtualhost sets the Host header; connect_ip/port and bindto are used', async () => {
    assert.equal((await probeHttp(spec(h.port, [{ path: '/host', statusCodes: [] }]))).ok, false);
    assert.equal((await probeHttp(spec(h.port, [{ path: '/host', statusCodes: [], virtualhost: 'www.example.test' }]))).ok, true);
    assert.equal((await probeHttp(spec(h.port, [{ path: '/host', statusCodes: [] }], { virtualhost: 'www.example.test' }))).ok, true);
    const bindPort = 21000 + (process.pid % 20000);
    const r = await probeHttp({ ...spec(h.port, [{ path: '/ok', statusCodes: [] }]), connect: at(h.port, { bindTo: '127.0.0.3', bindPort }) });
    assert.equal(r.ok, true, r.reason);
    assert.ok(h.log.some((l) => l.endsWith(`from 127.0.0.3:${bindPort}`)), h.log.join('\n'));
  });

  test('timeout and refused connection fail', async () => {
    const slow = await probeHttp({ ...spec(h.port, [{ path: '/slow', statusCodes: [] }]), connect: at(h.port, { timeoutMs: 300 }) });
    assert.equal(slow.ok, false);
    assert.match(slow.reason, /timeout/i);
    assert.ok(slow.latencyMs >= 250 && slow.latencyMs < 3000, String(slow.latencyMs));
    const refused = await probeHttp(spec(await S.closedPort(), [{ path: '/ok', statusCodes: [] }]));
    assert.deepEqual([refused.ok, refused.reason], [false, 'connection refused']);
  });

  test('SSL_GET: no verification by default, SNI only with enable_sni, verify against a CA', async () => {
    const ssl = (extra: Partial<HttpCheckSpec>): HttpCheckSpec => ({ ...spec(hs.port, [{ path: '/ok', statusCodes: [], digest: md5('hello') }]), type: 'SSL_GET', ...extra });
    const plain = await probeHttp(ssl({}));
    assert.equal(plain.ok, true, plain.reason);
    assert.equal(hs.sni.at(-1), false, 'no SNI by default');
    assert.equal((await probeHttp(ssl({ virtualhost: 'www.example.test', enableSni: true }))).ok, true);
    assert.equal(hs.sni.at(-1), 'www.example.test');
    const unverified = await probeHttp(ssl({ verify: true, virtualhost: 'www.example.test', enableSni: true }));
    assert.equal(unverified.ok, false, 'self-signed certificate rejected when verify is on');
    const verified = await probeHttp(ssl({ verify: true, ca: cert.cert, virtualhost: 'www.example.test', enableSni: true }));
    assert.equal(verified.ok, true, verified.reason);
    const wrongName = await probeHttp(ssl({ verify: true, ca: cert.cert, virtualhost: 'other.example.test', enableSni: true }));
    assert.equal(wrongName.ok, false);
  });
});

describe('UDP_CHECK', () => {
  test('require_reply with data and mask, length bounds, silence, ICMP port unreachable', async () => {
    const echo = await S.udpServer((m) => Buffer.concat([Buffer.from([0xab, 0x12]), m]));
    const silent = await S.udpServer(() => undefined);
    try {
      const base = { type: 'UDP_CHECK' as const, payload: Uint8Array.from([1, 2, 3]), minReplyLength: 0, maxReplyLength: 255 };
      const want = parseKeepalivedHex('aB 1x 01', true);
      assert.equal((await probeUdp({ ...base, connect: at(echo.port), requireReply: true, replyData: want.data, replyMask: want.mask! })).ok, true);
      const other = parseKeepalivedHex('ab 13', false);
      const mism = await probeUdp({ ...base, connect: at(echo.port), requireReply: true, replyData: other.data });
      assert.deepEqual([mism.ok, mism.reason], [false, 'reply data mismatch at byte 1']);
      assert.equal((await probeUdp({ ...base, connect: at(echo.port), requireReply: true, minReplyLength: 10 })).ok, false);
      const quiet = await probeUdp({ ...base, connect: at(silent.port, { timeoutMs: 300 }), requireReply: false });
      assert.equal(quiet.ok, true, 'silence without require_reply is success');
      assert.equal((await probeUdp({ ...base, connect: at(silent.port, { timeoutMs: 300 }), requireReply: true })).ok, false);
      const closed = await probeUdp({ ...base, connect: at(await S.closedPort(), { timeoutMs: 1500 }), requireReply: false });
      assert.deepEqual([closed.ok, closed.reason], [false, 'connection refused']);
      assert.ok(closed.latencyMs < 1400, 'the ICMP error ends the probe before the timeout');
    } finally {
      await echo.close();
      await silent.close();
    }
  });
});

describe('DNS_CHECK', () => {
  test('NOERROR passes, NXDOMAIN fails, wrong ids are ignored, silence times out', async () => {
    const state: { mode: 'normal' | 'silent' | 'wrong-id-first' } = { mode: 'normal' };
    const dns = await S.dnsServer(state);
    try {
      const r = await probeDns({ type: 'DNS_CHECK', connect: at(dns.port), queryType: 'SOA', name: '.' });
      assert.equal(r.ok, true, r.reason);
      assert.equal(dns.queries.at(-1)!.rd, true, 'recursion desired, as keepalived sets it');
      assert.equal(dns.queries.at(-1)!.type, 'SOA');
      const nx = await probeDns({ type: 'DNS_CHECK', connect: at(dns.port), queryType: 'A', name: 'missing.example.test' });
      assert.deepEqual([nx.ok, nx.reason], [false, 'rcode 3']);
      assert.equal(dns.queries.at(-1)!.name, 'missing.example.test');
      state.mode = 'wrong-id-first';
      const stray = await probeDns({ type: 'DNS_CHECK', connect: at(dns.port), queryType: 'SOA', name: '.' });
      assert.equal(stray.ok, true, stray.reason);
      state.mode = 'silent';
      const t = await probeDns({ type: 'DNS_CHECK', connect: at(dns.port, { timeoutMs: 300 }), queryType: 'SOA', name: '.' });
      assert.deepEqual([t.ok, t.reason], [false, 'read timeout']);
    } finally {
      await dns.close();
    }
  });
});

describe('SMTP_CHECK', () => {
  test('banner 220, HELO 250 (multi-line), QUIT 221; a refusing server fails; silence times out', async () => {
    const good = await S.smtpServer();
    const refusing = await S.smtpServer({ banner: '554 no service' });
    const mute = await S.tcpServer('127.0.0.1', () => {});
    mute.server.removeAllListeners('connection');
    mute.server.on('connection', (s) => s.on('error', () => {})); // accept and say nothing
    try {
      const r = await probeSmtp({ type: 'SMTP_CHECK', connect: at(good.port), heloName: 'checker.example.test' });
      assert.equal(r.ok, true, r.reason);
      assert.deepEqual(good.helos, ['checker.example.test']);
      const bad = await probeSmtp({ type: 'SMTP_CHECK', connect: at(refusing.port), heloName: 'x' });
      assert.equal(bad.ok, false);
      assert.match(bad.reason, /banner: expected 220/);
      const silent = await probeSmtp({ type: 'SMTP_CHECK', connect: at(mute.port, { timeoutMs: 300 }), heloName: 'x' });
      assert.deepEqual([silent.ok, silent.reason], [false, 'timeout']);
    } finally {
      await good.close(); await refusing.close(); await mute.close();
    }
  });
});

describe('MISC_CHECK', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'kt-check-misc-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const script = (name: string, body: string): string => {
    const p = join(dir, name);
    writeFileSync(p, `#!/bin/sh\n${body}\n`);
    chmodSync(p, 0o755);
    return p;
  };

  test('exit 0 passes, exit 1 fails, misc_dynamic exit N sets weight N-2, arguments are passed', async () => {
    const ok = await probeMisc({ type: 'MISC_CHECK', path: script('ok.sh', 'exit 0'), timeoutMs: 2000, dynamic: false }, 3);
    assert.deepEqual([ok.ok, ok.weight], [true, undefined]);
    const bad = await probeMisc({ type: 'MISC_CHECK', path: script('bad.sh', 'exit 1'), timeoutMs: 2000, dynamic: true }, 3);
    assert.deepEqual([bad.ok, bad.reason], [false, 'exit 1']);
    const dyn = script('dyn.sh', 'exit $1');
    assert.deepEqual([(await probeMisc({ type: 'MISC_CHECK', path: `${dyn} 7`, timeoutMs: 2000, dynamic: true }, 3)).weight], [5]);
    assert.equal((await probeMisc({ type: 'MISC_CHECK', path: `${dyn} 7`, timeoutMs: 2000, dynamic: false }, 3)).ok, false, 'without misc_dynamic exit 7 is a failure');
    assert.equal((await probeMisc({ type: 'MISC_CHECK', path: `${dyn} 0`, timeoutMs: 2000, dynamic: true }, 3)).weight, 3, 'exit 0 restores the configured weight');
    const missing = await probeMisc({ type: 'MISC_CHECK', path: join(dir, 'nope.sh'), timeoutMs: 2000, dynamic: false }, 1);
    assert.deepEqual([missing.ok, missing.reason.startsWith('cannot run')], [false, true]);
  });

  test('misc_timeout kills the script and its children and counts as a failure', async () => {
    const pidFile = join(dir, 'child.pid');
    const slow = script('slow.sh', `sleep 30 & echo $! > ${pidFile}\nwait`);
    const r = await probeMisc({ type: 'MISC_CHECK', path: slow, timeoutMs: 300, dynamic: false }, 1);
    assert.equal(r.ok, false);
    assert.match(r.reason, /timed out/);
    const childPid = Number(readFileSync(pidFile, 'utf8').trim());
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(existsSync(`/proc/${childPid}`) && !readFileSync(`/proc/${childPid}/stat`, 'utf8').includes(') Z '), false, 'the script\'s child was killed with its group');
  });

  test('scripts still running when the checker stops are killed', async () => {
    const pidFile = join(dir, 'running.pid');
    const slow = script('running.sh', `echo $$ > ${pidFile}\nsleep 30`);
    const pending = probeMisc({ type: 'MISC_CHECK', path: slow, timeoutMs: 20000, dynamic: false }, 1);
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(killRunningScripts(), 1);
    const r = await pending;
    assert.deepEqual([r.ok, r.reason], [false, 'killed by SIGKILL']);
  });
});
