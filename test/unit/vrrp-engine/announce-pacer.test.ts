// vrrp_garp_interval / vrrp_gna_interval on a fake clock: one lane per interface and family,
// frames in order, nothing dropped, and an interval of 0 passes straight through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnnouncePacer, type PacerTimers } from '../../../src/vrrp/engine/announce-pacer.js';

function fake(): { timers: PacerTimers; advance(ms: number): void } {
  let now = 0;
  let pending: Array<{ at: number; fn: () => void; live: boolean }> = [];
  return {
    timers: { now: () => now, set: (fn, ms) => { const t = { at: now + ms, fn, live: true }; pending.push(t); return () => { t.live = false; }; } },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const next = pending.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        now = next.at;
        next.live = false;
        next.fn();
      }
      now = end;
      pending = pending.filter((t) => t.live);
    },
  };
}

test('frames on one interface and family are spaced by the interval, in order; other lanes are independent', () => {
  const sent: Array<[number, string, string]> = [];
  const f = fake();
  const p = new AnnouncePacer({ announce: (ifname, a) => sent.push([f.timers.now(), ifname, a.join()]) }, { garpMs: 100, gnaMs: 0 }, f.timers);
  p.announce('eth0', ['10.0.0.1', '10.0.0.2', 'fd00::1']);
  p.announce('eth1', ['10.0.1.1']);
  p.announce('eth0', ['10.0.0.3']);
  assert.deepEqual(sent, [[0, 'eth0', '10.0.0.1'], [0, 'eth0', 'fd00::1'], [0, 'eth1', '10.0.1.1']]);
  assert.equal(p.queued, 2);
  f.advance(250);
  assert.deepEqual(sent.slice(3), [[100, 'eth0', '10.0.0.2'], [200, 'eth0', '10.0.0.3']]);
  p.announce('eth0', ['10.0.0.4']);
  assert.deepEqual(sent.length, 5, 'the lane sent at 200: the next one waits until 300');
  f.advance(50);
  assert.deepEqual(sent[5], [300, 'eth0', '10.0.0.4']);
});

test('an interval of 0 sends at once; clear() drops what waits', () => {
  const sent: string[] = [];
  const f = fake();
  const p = new AnnouncePacer({ announce: (_i, a) => sent.push(a.join()) }, { garpMs: 0, gnaMs: 0 }, f.timers);
  p.announce('eth0', ['10.0.0.1', '10.0.0.2']);
  assert.deepEqual(sent, ['10.0.0.1,10.0.0.2']);
  p.setIntervals({ garpMs: 1000, gnaMs: 0 });
  p.announce('eth0', ['10.0.0.3', '10.0.0.4']);
  p.clear();
  f.advance(5000);
  assert.deepEqual(sent, ['10.0.0.1,10.0.0.2', '10.0.0.3']);
});
