import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckerService } from '../../../src/check/service.js';
import type { HealthEvent } from '../../../src/check/events.js';
import type { ProbeSpec } from '../../../src/check/spec.js';
import type { ProbeResult } from '../../../src/check/result.js';
import { CheckScheduler, schedulerSlot } from '../../../src/check/scheduler.js';
import { FakeClock } from './fake-clock.js';
import { rs, tcp, vs } from './spec-builders.js';

/** A scripted probe: each port is up or down; records when each probe started. */
function scripted(clock: FakeClock) {
  const up = new Map<number, boolean>();
  const starts: Array<{ port: number; at: number }> = [];
  const probe = async (spec: ProbeSpec): Promise<ProbeResult> => {
    const port = spec.type === 'MISC_CHECK' ? 0 : spec.connect.port;
    starts.push({ port, at: clock.now() });
    return up.get(port) === false ? { ok: false, reason: 'refused', latencyMs: 1 } : { ok: true, reason: 'ok', latencyMs: 1 };
  };
  return { up, starts, probe };
}

test('first runs are spread over bootstrap + warmup, then every delay_loop', async () => {
  const clock = new FakeClock();
  const s = scripted(clock);
  let r = 0;
  const random = (): number => ((r = (r * 9301 + 49297) % 233280) / 233280);
  const servers = Array.from({ length: 50 }, (_, i) => rs(`10.1.0.${i + 1}`, 1000 + i, { checkers: [tcp(1000 + i, { warmupMs: 5000, delayLoopMs: 5000 })] }));
  const svc = new CheckerService([vs({ realServers: servers })], { clock, timers: clock, random, probe: s.probe, bootstrapDelayMs: 1000, jitterFraction: 0 });
  svc.start();
  await clock.advance(6100);
  const first = s.starts.map((x) => x.at);
  assert.equal(first.length, 50);
  assert.ok(Math.min(...first) >= 1000 && Math.max(...first) <= 6000 + 10);
  const perSecond = new Map<number, number>();
  for (const t of first) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
  assert.ok(Math.max(...perSecond.values()) < 25, `no burst: ${JSON.stringify([...perSecond])}`);
  await clock.advance(5000);
  assert.equal(s.starts.length, 100, 'each checker ran again one delay_loop later');
  svc.stop();
});

test('a failing server is declared down after retry × delay_before_retry, and the event is emitted', async () => {
  const clock = new FakeClock();
  const s = scripted(clock);
  const svc = new CheckerService([vs({ realServers: [rs('10.1.0.1', 80, { checkers: [tcp(80, { retry: 2, delayBeforeRetryMs: 300, delayLoopMs: 1000 })] })] })],
    { clock, timers: clock, probe: s.probe, bootstrapDelayMs: 0, jitterFraction: 0 });
  const events: Array<{ e: HealthEvent; at: number }> = [];
  svc.on('event', (e: HealthEvent) => events.push({ e, at: clock.now() }));
  svc.start();
  await clock.advance(50);
  s.up.set(80, false);
  await clock.advance(3000);
  const down = events.find((x) => x.e.kind === 'rs-down');
  assert.ok(down, 'rs-down emitted');
  // The first probe runs at the first fake tick (t=10): failure at 1010, retries at 1310 and 1610.
  assert.equal(down.at, 1610);
  assert.equal(svc.status()[0]!.realServers[0]!.alive, false);
  assert.equal(svc.status()[0]!.realServers[0]!.checkers[0]!.lastResult?.reason, 'refused');
  svc.stop();
});

test('ha_suspend: no probe runs until the VIP is present', async () => {
  const clock = new FakeClock();
  const s = scripted(clock);
  const svc = new CheckerService([vs({ haSuspend: true, realServers: [rs('10.1.0.1', 80)] })], { clock, timers: clock, probe: s.probe, bootstrapDelayMs: 0 });
  svc.start();
  await clock.advance(3500);
  assert.equal(s.starts.length, 0);
  assert.ok(svc.counters().skippedSuspended >= 3);
  svc.setVipPresent('TCP:10.0.0.1:80', true);
  await clock.advance(1100);
  assert.ok(s.starts.length >= 1);
  svc.stop();
});

test('ha_suspend follows the local addresses: checks run only while the VIP is configured here', async () => {
  const clock = new FakeClock();
  const s = scripted(clock);
  const svc = new CheckerService([vs({ haSuspend: true, vipAddresses: ['10.0.0.1'], realServers: [rs('10.1.0.1', 80)] })], { clock, timers: clock, probe: s.probe, bootstrapDelayMs: 0, jitterFraction: 0 });
  svc.start();
  svc.setLocalAddresses(['192.168.1.5']);
  await clock.advance(2500);
  assert.equal(s.starts.length, 0);
  svc.setLocalAddresses(['192.168.1.5', '10.0.0.1']);
  await clock.advance(2000);
  const ran = s.starts.length;
  assert.ok(ran >= 1);
  assert.equal(svc.status()[0]!.suspended, false);
  svc.setLocalAddresses([]);
  await clock.advance(3000);
  assert.equal(s.starts.length, ran, 'suspended again when the VIP left');
  svc.stop();
});

test('a pool view is emitted for every virtual server an event touched', async () => {
  const clock = new FakeClock();
  const s = scripted(clock);
  const svc = new CheckerService([vs({ realServers: [rs('10.1.0.1', 80, { checkers: [tcp(80, { retry: 0 })] })] })], { clock, timers: clock, probe: s.probe, bootstrapDelayMs: 0 });
  const pools: Array<{ vs: string; destinations: unknown[] }> = [];
  svc.on('pool', (p: { vs: string; destinations: unknown[] }) => pools.push(p));
  svc.start();
  assert.deepEqual(pools.map((p) => p.destinations.length), [1]);
  s.up.set(80, false);
  await clock.advance(100);
  assert.deepEqual(pools.map((p) => p.destinations.length), [1, 0]);
  svc.stop();
});

test('concurrency is bounded: waiting checks queue and run as slots free', async () => {
  const clock = new FakeClock();
  let inFlight = 0;
  let maxInFlight = 0;
  const releases: Array<() => void> = [];
  const probe = (): Promise<ProbeResult> => new Promise((resolve) => {
    inFlight += 1; maxInFlight = Math.max(maxInFlight, inFlight);
    releases.push(() => { inFlight -= 1; resolve({ ok: true, reason: 'ok', latencyMs: 1 }); });
  });
  const servers = Array.from({ length: 20 }, (_, i) => rs(`10.1.0.${i + 1}`, 80));
  const svc = new CheckerService([vs({ realServers: servers })], { clock, timers: clock, probe, bootstrapDelayMs: 0, maxConcurrent: 4 });
  svc.start();
  await clock.advance(20);
  assert.equal(inFlight, 4);
  assert.equal(svc.counters().scheduler.waiting, 16);
  while (releases.length) { releases.shift()!(); await clock.advance(1, 1); }
  assert.equal(maxInFlight, 4);
  assert.equal(svc.counters().probes, 20);
  svc.stop();
});

test('update keeps running checkers and their state; stop emits removals', async () => {
  const clock = new FakeClock();
  const s = scripted(clock);
  const a = rs('10.1.0.1', 80, { checkers: [tcp(80, { retry: 0 })] });
  const svc = new CheckerService([vs({ realServers: [a] })], { clock, timers: clock, probe: s.probe, bootstrapDelayMs: 0, jitterFraction: 0 });
  const events: HealthEvent[] = [];
  svc.on('event', (e: HealthEvent) => events.push(e));
  svc.start();
  s.up.set(80, false);
  await clock.advance(100);
  assert.equal(svc.status()[0]!.realServers[0]!.alive, false);
  events.length = 0;
  svc.update([vs({ realServers: [a, rs('10.1.0.2', 81)] })]);
  assert.deepEqual(events.map((e) => e.kind), ['rs-up', 'quorum-gained']);
  assert.equal(svc.status()[0]!.realServers[0]!.alive, false, 'unchanged server kept its down state');
  assert.equal(svc.status()[0]!.realServers[0]!.checkers[0]!.runs, 1, 'and its history');
  events.length = 0;
  svc.stop();
  assert.deepEqual(events.map((e) => e.kind), ['rs-removed', 'rs-removed']);
});

test('scheduler: a job that comes due while its previous run is still going runs right after it, not never', async () => {
  const clock = new FakeClock();
  let release: (() => void) | undefined;
  const runs: number[] = [];
  const a = { name: 'a', ...schedulerSlot() };
  const sched = new CheckScheduler<typeof a>(clock, clock, 4, (job) => {
    runs.push(clock.now());
    if (runs.length === 1) { release = () => sched.finished(job); sched.schedule(job, 50); } else sched.finished(job);
  });
  sched.schedule(a, 0);
  await clock.advance(200);
  assert.equal(runs.length, 1, 'second run waits for the first');
  release!();
  await clock.advance(10);
  assert.equal(runs.length, 2);
  sched.stop();
});

test('scheduler: jobs run in due order; rescheduling replaces the pending run, cancel drops it', async () => {
  const clock = new FakeClock();
  const ran: string[] = [];
  const jobs = Array.from({ length: 40 }, (_, i) => ({ name: `j${i}`, ...schedulerSlot() }));
  const sched = new CheckScheduler<(typeof jobs)[number]>(clock, clock, 100, (job) => { ran.push(job.name); sched.finished(job); });
  // Due times in a scrambled order: 37·i mod 40 visits every slot once.
  jobs.forEach((j, i) => sched.schedule(j, ((37 * i) % 40) * 10 + 5));
  sched.schedule(jobs[0]!, 1000); // was due at 5: moved to the end
  sched.schedule(jobs[1]!, 1); // was due at 375: moved to the front
  sched.cancel(jobs[2]!);
  assert.equal(sched.isScheduled(jobs[2]!), false);
  await clock.advance(1100, 1);
  const dueOf = (name: string): number => { const i = Number(name.slice(1)); return i === 0 ? 1000 : i === 1 ? 1 : ((37 * i) % 40) * 10 + 5; };
  assert.equal(ran.length, 39, 'every job but the cancelled one ran once');
  assert.ok(!ran.includes('j2'));
  assert.deepEqual(ran, [...ran].sort((x, y) => dueOf(x) - dueOf(y)));
  assert.equal(ran[0], 'j1');
  assert.equal(ran.at(-1), 'j0');
  assert.equal(sched.stats.scheduled, 0);
  sched.stop();
});

test('scheduler: at the concurrency limit due jobs wait in FIFO order; one rescheduled while waiting leaves the queue', async () => {
  const clock = new FakeClock();
  const started: string[] = [];
  const running: Array<{ name: string } & ReturnType<typeof schedulerSlot>> = [];
  const jobs = Array.from({ length: 6 }, (_, i) => ({ name: `j${i}`, ...schedulerSlot() }));
  const sched = new CheckScheduler<(typeof jobs)[number]>(clock, clock, 2, (job) => { started.push(job.name); running.push(job); });
  jobs.forEach((j, i) => sched.schedule(j, i));
  await clock.advance(10, 1);
  assert.deepEqual(started, ['j0', 'j1']);
  assert.equal(sched.stats.waiting, 4);
  sched.schedule(jobs[3]!, 500); // leaves the ready queue for a later run
  assert.equal(sched.stats.waiting, 3);
  sched.finished(running.shift()!);
  sched.finished(running.shift()!);
  assert.deepEqual(started, ['j0', 'j1', 'j2', 'j4']);
  sched.finished(running.shift()!);
  sched.finished(running.shift()!);
  assert.deepEqual(started, ['j0', 'j1', 'j2', 'j4', 'j5']);
  assert.ok(sched.stats.maxLatenessMs > 0, 'the waiting is counted as lateness');
  await clock.advance(600, 10);
  assert.deepEqual(started.at(-1), 'j3');
  sched.stop();
});

test('scheduler: thousands of jobs that finish at once do not recurse once per job', async () => {
  const clock = new FakeClock();
  let runs = 0;
  const jobs = Array.from({ length: 50_000 }, () => schedulerSlot());
  const sched = new CheckScheduler<(typeof jobs)[number]>(clock, clock, 1, (job) => { runs += 1; sched.finished(job); });
  for (const j of jobs) sched.schedule(j, 5);
  await clock.advance(10, 10);
  assert.equal(runs, 50_000);
  sched.stop();
});

test('scheduler: a wake-up also starts the jobs due within coalesceMs after it, in due order', async () => {
  const clock = new FakeClock();
  const ran: Array<[string, number]> = [];
  const jobs = [10, 11, 12, 14, 16, 20].map((due) => ({ name: `d${due}`, due0: due, ...schedulerSlot() }));
  const sched = new CheckScheduler<(typeof jobs)[number]>(clock, clock, 100, (job) => { ran.push([job.name, clock.now()]); sched.finished(job); }, 5);
  for (const j of [...jobs].reverse()) sched.schedule(j, j.due0);
  await clock.advance(30, 1);
  // 10 wakes it and takes 11, 12 and 14 along (≤ 15); 16 wakes it again and takes 20 (≤ 21).
  assert.deepEqual(ran, [['d10', 10], ['d11', 10], ['d12', 10], ['d14', 10], ['d16', 16], ['d20', 16]]);
  sched.stop();
});

test('a listener that throws is counted and reported; the checks go on', async () => {
  const clock = new FakeClock();
  const s = scripted(clock);
  const svc = new CheckerService([vs({ realServers: [rs('10.1.0.1', 80), rs('10.1.0.2', 81)] })], { clock, timers: clock, probe: s.probe, bootstrapDelayMs: 0, jitterFraction: 0 });
  const reported: string[] = [];
  svc.on('internal-error', (_err: unknown, checker: string) => reported.push(checker));
  svc.start();
  svc.on('event', () => { throw new Error('listener bug'); });
  s.up.set(80, false);
  s.up.set(81, false);
  await clock.advance(100);
  assert.equal(svc.counters().internalErrors, 2, 'both servers going down threw in the listener');
  assert.equal(reported.length, 2);
  const before = svc.counters().probes;
  await clock.advance(10_000, 100);
  assert.ok(svc.counters().probes > before, 'and both are still checked');
  svc.removeAllListeners('event');
  svc.stop();
});
