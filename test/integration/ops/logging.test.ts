// The logger with its real destinations: pino-pretty lines, JSON lines, a log file, and syslog
// through util-linux logger(1) to a unix socket the test listens on (logger falls back to a
// stream socket when the path is not a datagram socket, which Node can serve).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { createLogger } from '../../../src/ops/logging/create-logger.js';
import { logCheckChange, logIpvsChange, logNotifyOutcome, logReload, logTransition } from '../../../src/ops/logging/events.js';
import { waitFor } from '../lib/netns.js';

let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'kt-ops-log-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

/** A writable stream that keeps the lines it is given. */
function capture(): Writable & { lines: string[] } {
  const lines: string[] = [];
  const w = new Writable({
    write(chunk: Buffer | string, _enc, cb) { lines.push(...chunk.toString().split('\n').filter(Boolean)); cb(); },
  });
  return Object.assign(w, { lines });
}

test('-l gives keepalived-shaped lines; events carry their reason; -D adds the structured fields', async () => {
  const out = capture();
  const { logger, close } = createLogger({ console: true, syslog: false, consoleStream: out });
  logTransition(logger, { instance: 'VI_1', from: 'BACKUP', to: 'MASTER', reason: 'master down timer expired', priority: 100 });
  logger.warn({ instance: 'VI_2' }, 'careful');
  logTransition(logger, { instance: 'G1', kind: 'GROUP', to: 'FAULT' });
  logger.debug('hidden without -D');
  await close();
  assert.equal(out.lines.length, 3);
  assert.match(out.lines[2]!, /: WARNING: VRRP_Group\(G1\) Entering FAULT STATE$/);
  assert.match(out.lines[0]!, /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d \d{4}: \(VI_1\) Entering MASTER STATE \(from BACKUP: master down timer expired\)$/);
  assert.match(out.lines[1]!, /: WARNING: careful$/);
  const detailed = capture();
  const d = createLogger({ console: true, detail: true, syslog: false, consoleStream: detailed });
  logTransition(d.logger, { instance: 'VI_1', from: 'BACKUP', to: 'MASTER', reason: 'x', priority: 100 });
  d.logger.debug('shown with -D');
  await d.close();
  assert.ok(detailed.lines[0]!.endsWith('{"event":"vrrp_transition","instance":"VI_1","from":"BACKUP","to":"MASTER","reason":"x","priority":100}'));
  assert.match(detailed.lines[1]!, /: DEBUG: shown with -D$/);
});

test('without -l (or with --log-json) records are JSON with the event fields; -D enables debug', async () => {
  const out = capture();
  const { logger, close } = createLogger({ console: true, json: true, detail: true, syslog: false, jsonStream: out });
  logCheckChange(logger, { virtualServer: '10.0.0.100:80', realServer: '192.168.1.11:8080', checker: 'TCP_CHECK', up: false, reason: 'connect timeout', latencyMs: 1000 });
  logReload(logger, { ok: false, durationMs: 3, summary: 'config invalid', diagnostics: ['keepalived.conf:12:3: unknown keyword "priorty"'] });
  logIpvsChange(logger, { action: 'edit-server', service: 'TCP 10.0.0.100:80', server: '192.168.1.10:8080', weight: 5, reason: 'reload changed weight' });
  logNotifyOutcome(logger, { kind: 'ran', target: 'INSTANCE VI_1', script: '/x.sh', state: 'MASTER', result: { code: 0, signal: null, timedOut: false, durationMs: 5 } });
  await close();
  const recs = out.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(recs.length, 4);
  assert.deepEqual(recs.map((r) => r.event), ['check_change', 'reload', 'ipvs_change', 'notify_script']);
  assert.deepEqual(recs.map((r) => r.level), [40, 50, 30, 20]);
  assert.equal(recs[0]!.msg, 'TCP_CHECK on real server 192.168.1.11:8080 of 10.0.0.100:80: DOWN (connect timeout)');
  assert.equal(recs[0]!.reason, 'connect timeout');
  assert.match(String(recs[1]!.msg), /Reload rejected, still running the previous configuration \(config invalid\): keepalived\.conf:12:3: unknown keyword "priorty"/);
  assert.equal(recs[2]!.msg, 'IPVS edit-server 192.168.1.10:8080 in TCP 10.0.0.100:80 weight 5 (reload changed weight)');
});

test('-g FILE appends readable lines to the file', async () => {
  const file = join(dir, 'sub', 'ka-ts.log');
  const { logger, close } = createLogger({ console: true, syslog: false, consoleStream: capture(), file });
  logger.info('first');
  logger.warn('second');
  await close();
  const lines = (await readFile(file, 'utf8')).trim().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /\d{4}: first$/);
  assert.match(lines[1]!, /\d{4}: WARNING: second$/);
});

test('syslog gets one RFC 3164 record per log line with the -S facility and mapped severity', async () => {
  const sock = join(dir, 'log.sock');
  let received = '';
  const server: Server = createServer((c) => c.on('data', (b: Buffer) => { received += b.toString(); }));
  await new Promise<void>((r) => server.listen(sock, () => r()));
  try {
    const { logger, syslog, close } = createLogger({ console: true, consoleStream: capture(), facility: '2', syslogSocket: sock, ident: 'kats_test' });
    logger.info('hello syslog');
    logger.error({ err: new Error('boom') }, 'it failed');
    await close();
    await waitFor(() => received.split('\n').filter(Boolean).length >= 2, 5000);
    const lines = received.split('\n').filter(Boolean);
    // local2 = 18: info → 18*8+6 = 150, error → 18*8+3 = 147
    assert.match(lines[0]!, new RegExp(`^<150>[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d kats_test\\[${process.pid}\\]: hello syslog$`));
    assert.match(lines[1]!, /^<147>.* kats_test\[\d+\]: it failed: boom$/);
    assert.equal(syslog!.sent, 2);
    assert.equal(syslog!.fallbacks, 0);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('RFC 5424 framing on request', async () => {
  const sock = join(dir, 'log5424.sock');
  let received = '';
  const server: Server = createServer((c) => c.on('data', (b: Buffer) => { received += b.toString(); }));
  await new Promise<void>((r) => server.listen(sock, () => r()));
  try {
    const { logger, close } = createLogger({ console: true, consoleStream: capture(), syslogSocket: sock, syslogFormat: 'rfc5424', ident: 'kats_test' });
    logger.warn('five four two four');
    await close();
    await waitFor(() => received.includes('five four two four'), 5000);
    // daemon(3)*8 + warning(4) = 28; version 1, ISO timestamp, app name, our pid.
    assert.match(received, new RegExp(`<28>1 \\d{4}-\\d\\d-\\d\\dT\\S+ \\S+ kats_test ${process.pid} - - five four two four`));
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('when syslog is unreachable, records fall back to stderr and are counted, the daemon goes on', async () => {
  const { SyslogSink } = await import('../../../src/ops/logging/syslog-sink.js');
  // No socket at all (a host without syslog): straight to the fallback, first line included.
  const noSocket: string[] = [];
  const a = new SyslogSink({ facility: 3, ident: 'kats_test', socketPath: join(dir, 'no-such.sock'), fallback: (l) => noSocket.push(l) });
  a.log(30, 'first');
  await a.close();
  assert.deepEqual(noSocket, [`kats_test[${process.pid}]: first`]);
  assert.match(a.lastError ?? '', /no syslog socket/);
  // A socket path nobody listens on: logger(1) fails, the sink notices and falls back.
  const stale = join(dir, 'stale.sock');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(stale, () => r()));
  await new Promise<void>((r) => srv.close(() => r()));
  await writeFile(stale, '');
  const fallback: string[] = [];
  const b = new SyslogSink({ facility: 3, ident: 'kats_test', socketPath: stale, fallback: (l) => fallback.push(l) });
  b.log(30, 'lost-or-sent');
  await waitFor(() => b.lastError !== undefined, 5000);
  b.log(30, 'second');
  await b.close();
  assert.ok(fallback.some((l) => l.endsWith('second')), fallback.join('|'));
  assert.match(b.lastError ?? '', /logger\(1\)/);
});
