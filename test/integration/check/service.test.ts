// CheckerService end to end against real loopback servers: alpha start, warmup, retry before
// declaring down, inhibit_on_failure, quorum with hysteresis, sorry server in/out, recovery,
// several checkers on one server, and omega notifications at stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { CheckerService } from '../../../src/check/service.js';
import type { HealthEvent } from '../../../src/check/events.js';
import type { CheckerSpec, RealServerSpec, VirtualServerSpec } from '../../../src/check/spec.js';
import { waitFor } from '../lib/netns.js';
import * as S from './servers.js';

const DELAY = 200;
const RETRY_DELAY = 100;
const TIMEOUT = 300;
const timing = { delayLoopMs: DELAY, retry: 1, delayBeforeRetryMs: RETRY_DELAY, warmupMs: 300, alpha: true };
const tcpCheck = (port: number): CheckerSpec => ({ probe: { type: 'TCP_CHECK', connect: { host: '127.0.0.1', port, timeoutMs: TIMEOUT } }, timing });

/** A TCP listener that can be stopped and restarted on the same port. */
class Switchable {
  server?: net.Server;
  constructor(public port = 0) {}
  async up(): Promise<void> {
    const s = net.createServer((c) => { c.on('error', () => {}); c.end(); });
    await new Promise<void>((r) => s.listen(this.port, '127.0.0.1', r));
    this.port = (s.address() as net.AddressInfo).port;
    this.server = s;
  }
  async down(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}

test('real servers going down and up drive retry, inhibit, quorum with hysteresis, sorry server and omega', async () => {
  const l = [new Switchable(), new Switchable(), new Switchable()];
  for (const x of l) await x.up();
  const web = await S.httpServer();
  const servers: RealServerSpec[] = l.map((x, i) => ({
    address: `127.0.1.${i + 1}`, port: x.port, weight: 1, inhibitOnFailure: i === 2,
    notifyDown: { command: `/usr/local/bin/rs-down ${i + 1}` },
    checkers: i === 2
      ? [tcpCheck(x.port), { probe: { type: 'HTTP_GET', connect: { host: '127.0.0.1', port: web.port, timeoutMs: TIMEOUT }, urls: [{ path: '/ok', statusCodes: [] }] }, timing }]
      : [tcpCheck(x.port)],
  }));
  const vsSpec: VirtualServerSpec = {
    id: 'TCP:192.0.2.10:80', quorum: 2, hysteresis: 1, alpha: true, omega: true, haSuspend: false,
    quorumUp: { command: '/usr/local/bin/q-up' }, quorumDown: { command: '/usr/local/bin/q-down' },
    sorryServer: { address: '127.0.1.99', port: 80, weight: 1, inhibit: false },
    realServers: servers,
  };
  const svc = new CheckerService([vsSpec], { bootstrapDelayMs: 50 });
  const events: Array<HealthEvent & { t: number }> = [];
  svc.on('event', (e: HealthEvent) => events.push({ ...e, t: performance.now() }));
  const since = (n: number): string[] => events.slice(n).map((e) => (e.kind === 'notify' ? `notify ${e.reason}` : `${e.kind}${'rs' in e ? ` ${e.rs}` : ''}`));
  const waitEvent = (pred: (e: HealthEvent) => boolean, from: number, ms = 4000): Promise<HealthEvent & { t: number }> =>
    waitFor(() => events.slice(from).find(pred), ms, 20);
  const rsId = (i: number): string => `127.0.1.${i + 1}:${l[i]!.port}`;
  try {
    svc.start();
    // alpha: everything starts down, quorum lost at once and the sorry server is in.
    assert.deepEqual(since(0), ['quorum-lost', 'notify quorum-down', 'sorry-server-in 127.0.1.99:80']);
    await waitEvent((e) => e.kind === 'quorum-gained', 0);
    await waitFor(() => svc.status()[0]!.realServers.every((r) => r.alive), 3000);
    assert.ok(since(0).includes('sorry-server-out 127.0.1.99:80'));
    assert.deepEqual(svc.pool()[0]!.destinations.map((d) => d.address).sort(), ['127.0.1.1', '127.0.1.2', '127.0.1.3']);

    // Server 1 dies: one failure, one retry, then down. Quorum 2-1 still held with weight 2.
    let mark = events.length;
    const t0 = performance.now();
    await l[0]!.down();
    const down1 = await waitEvent((e) => e.kind === 'rs-down', mark);
    const detect = down1.t - t0;
    assert.ok(detect <= DELAY + 1 * RETRY_DELAY + TIMEOUT + 1000, `detected in ${detect.toFixed(0)} ms`);
    assert.ok(detect >= RETRY_DELAY, 'not before a retry');
    assert.ok(svc.counters().probesFailed >= 2, 'failed once and once more on retry');
    assert.deepEqual(since(mark), [`rs-down ${rsId(0)}`, 'notify rs-down']);

    // Server 2 dies: weight 1 is not below quorum-hysteresis = 1: quorum kept.
    mark = events.length;
    await l[1]!.down();
    await waitEvent((e) => e.kind === 'rs-down', mark);
    await new Promise((r) => setTimeout(r, DELAY));
    assert.deepEqual(since(mark), [`rs-down ${rsId(1)}`, 'notify rs-down']);

    // Server 3's HTTP check fails (web server gone): inhibited, weight 0 → quorum lost, sorry in.
    mark = events.length;
    await web.close();
    await waitEvent((e) => e.kind === 'sorry-server-in', mark);
    assert.deepEqual(since(mark), [`rs-down ${rsId(2)}`, 'notify rs-down', 'quorum-lost', 'notify quorum-down', 'sorry-server-in 127.0.1.99:80']);
    assert.deepEqual(svc.pool()[0]!.destinations.map((d) => [d.address, d.weight]), [['127.0.1.3', 0], ['127.0.1.99', 1]]);

    // Recovery: 1 and 2 come back (weight 2 < quorum+hysteresis = 3: sorry server stays).
    mark = events.length;
    await l[0]!.up();
    await l[1]!.up();
    await waitFor(() => events.slice(mark).filter((e) => e.kind === 'rs-up').length === 2 || undefined, 3000, 20);
    await new Promise((r) => setTimeout(r, DELAY));
    assert.equal(svc.status()[0]!.quorumUp, false);
    assert.deepEqual(svc.pool()[0]!.destinations.map((d) => [d.address, d.weight]), [['127.0.1.3', 0], ['127.0.1.99', 1]], 'live servers wait behind the sorry server');
    assert.ok(!since(mark).includes('quorum-gained'));

    // Server 3 is its own web server again only after the HTTP check passes too.
    const web2 = await S.httpServer();
    try {
      mark = events.length;
      const spec3 = servers[2]!;
      const fixed = { ...spec3, checkers: [spec3.checkers[0]!, { ...spec3.checkers[1]!, probe: { ...(spec3.checkers[1]!.probe as { type: 'HTTP_GET' }), connect: { host: '127.0.0.1', port: web2.port, timeoutMs: TIMEOUT } } } as CheckerSpec] };
      // Reload with the new web port: servers 1 and 2 keep their state (no flap events for them).
      svc.update([{ ...vsSpec, realServers: [servers[0]!, servers[1]!, fixed] }]);
      await waitEvent((e) => e.kind === 'quorum-gained', mark);
      assert.ok(since(mark).every((s) => !s.includes(rsId(0)) && !s.includes(rsId(1))), since(mark).join(', '));
      assert.ok(since(mark).includes('sorry-server-out 127.0.1.99:80'));
      assert.deepEqual(svc.pool()[0]!.destinations.map((d) => [d.address, d.weight]).sort(), [['127.0.1.1', 1], ['127.0.1.2', 1], ['127.0.1.3', 1]]);
    } finally {
      // omega at stop: notify_down of every live server, then quorum_down.
      mark = events.length;
      svc.stop();
      assert.deepEqual(since(mark).filter((s) => s.startsWith('notify')), ['notify rs-down', 'notify rs-down', 'notify rs-down', 'notify quorum-down']);
      await web2.close();
    }
  } finally {
    svc.stop();
    for (const x of l) await x.down();
    await web.close().catch(() => {});
  }
});

test('warmup spreads the first checks of many real servers over the warmup window', async () => {
  const srv = await S.tcpServer();
  const seen: number[] = [];
  srv.server.on('connection', () => seen.push(performance.now()));
  const rss: RealServerSpec[] = Array.from({ length: 40 }, (_, i) => ({
    address: `127.0.2.${i + 1}`, port: srv.port, weight: 1, inhibitOnFailure: false,
    checkers: [{ probe: { type: 'TCP_CHECK', connect: { host: '127.0.0.1', port: srv.port, timeoutMs: 500 } }, timing: { delayLoopMs: 10_000, retry: 1, delayBeforeRetryMs: 1000, warmupMs: 1000, alpha: false } }],
  }));
  const svc = new CheckerService([{ id: 'TCP:192.0.2.11:80', quorum: 1, hysteresis: 0, alpha: false, omega: false, haSuspend: false, realServers: rss }], { bootstrapDelayMs: 100 });
  const t0 = performance.now();
  try {
    svc.start();
    await waitFor(() => seen.length >= 40 || undefined, 3000, 20);
    const offsets = seen.map((t) => t - t0);
    assert.ok(Math.min(...offsets) >= 90, 'nothing before the bootstrap delay');
    const spread = Math.max(...offsets) - Math.min(...offsets);
    assert.ok(spread > 500, `first checks spread over ${spread.toFixed(0)} ms`);
    const firstHalf = offsets.filter((o) => o < 100 + 500).length;
    assert.ok(firstHalf > 5 && firstHalf < 35, `roughly uniform: ${firstHalf} of 40 in the first half`);
  } finally {
    svc.stop();
    await srv.close();
  }
});
