// Conformance scenarios in the style of holo-vrrp's tests/conformance: routers on a deterministic
// simulated LAN (real codec on every packet, 1 ms latency), an input sequence, and the exact
// expected transitions / packets / address holders. Times are in ms of simulated monotonic clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SimNetwork, type SimTransition } from '../../../src/vrrp/sim/index.js';
import { computeTracking } from '../../../src/vrrp/tracking/index.js';
import { v2spec, v3spec6 } from './sim-helpers.js';

/** Times are sums of µs-truncated keepalived timers: print them rounded to the µs. */
const us = (t: number): number => Math.round(t * 1000) / 1000;
const tr = (n: SimNetwork, instance = 'VI'): string[] =>
  n.transitions.filter((t: SimTransition) => t.instance === instance).map((t) => `${us(t.t)}:${t.router}:${t.from}>${t.to}`);

/** Two v2 routers: A (10.0.0.1, prio 150) and B (10.0.0.2, prio 100), both started at t=0. */
function pairAB(extraA = {}, extraB = {}): SimNetwork {
  const n = new SimNetwork(1);
  n.addInstance('A', v2spec('VI', '10.0.0.1', 150, extraA));
  n.addInstance('B', v2spec('VI', '10.0.0.2', 100, extraB));
  n.start();
  return n;
}

describe('VRRP conformance (simulated LAN)', () => {
  it('election: higher priority becomes MASTER after its master-down interval; the other stays BACKUP', () => {
    const n = pairAB();
    n.runUntil(10_000);
    // A: 3 s + (256-150)/256 s = 3414.062 ms, truncated to µs by keepalived: 3414.062
    assert.deepEqual(tr(n), ['0:A:INIT>BACKUP', '0:B:INIT>BACKUP', '3414.062:A:BACKUP>MASTER']);
    assert.deepEqual(n.masters('VI'), ['A']);
    assert.deepEqual(n.vipHolders('VI'), ['A']);
    // A advertises every second; B never sends.
    const fromA = n.packets.filter((p) => p.from === 'A').map((p) => us(p.t));
    assert.deepEqual(fromA, [3414.062, 4414.062, 5414.062, 6414.062, 7414.062, 8414.062, 9414.062]);
    assert.equal(n.packets.filter((p) => p.from === 'B').length, 0);
    assert.equal(n.machine('B', 'VI').counters.advertsReceived, 7);
  });

  it('master killed (no priority 0): backup takes over master-down after the last advert it heard', () => {
    const n = pairAB();
    n.runUntil(5_000);
    n.crash('A');
    n.runUntil(12_000);
    // last advert from A sent 4414.062, heard 4415.062; B down = 3000 + 609.375
    assert.deepEqual(tr(n).slice(-1), ['8024.437:B:BACKUP>MASTER']);
    assert.deepEqual(n.vipHolders('VI'), ['B']);
  });

  it('master stopped gracefully: priority 0 → backup takes over after skew time only', () => {
    const n = pairAB();
    n.runUntil(5_000);
    n.stop('A');
    n.runUntil(12_000);
    const zero = n.packets.find((p) => p.priority === 0)!;
    assert.equal(zero.from, 'A');
    assert.equal(zero.t, 5000);
    // heard at 5001, B takes over at 5001 + 609.375
    assert.deepEqual(tr(n).slice(-2), ['5000:A:MASTER>INIT', '5610.375:B:BACKUP>MASTER']);
    assert.deepEqual(n.vipHolders('VI'), ['B']);
  });

  it('preempt: the higher priority router returning takes MASTER back', () => {
    const n = pairAB();
    n.runUntil(5_000);
    n.stop('A');
    n.runUntil(10_000);
    n.event('A', 'VI', { type: 'start' });
    n.runUntil(20_000);
    // A restarts in BACKUP, ignores B's lower-priority adverts and times out after its own master-down
    assert.deepEqual(tr(n).slice(-4), ['5610.375:B:BACKUP>MASTER', '10000:A:INIT>BACKUP', '13414.062:A:BACKUP>MASTER', '13415.062:B:MASTER>BACKUP']);
    assert.deepEqual(n.vipHolders('VI'), ['A']);
  });

  it('nopreempt: the returning higher priority router stays BACKUP', () => {
    const n = pairAB({ preempt: false });
    n.runUntil(5_000);
    n.stop('A');
    n.runUntil(10_000);
    n.event('A', 'VI', { type: 'start' });
    n.runUntil(30_000);
    assert.deepEqual(n.masters('VI'), ['B']);
    assert.equal(n.machine('A', 'VI').state, 'BACKUP');
  });

  it('preempt_delay: takeover only after the delay has passed (then the master-down timer runs out)', () => {
    const n = pairAB({ preemptDelayMs: 10_000 });
    n.runUntil(5_000);
    n.stop('A');
    n.runUntil(10_000);
    n.event('A', 'VI', { type: 'start' });
    n.runUntil(40_000);
    const aMaster = tr(n).filter((t) => t.includes(':A:BACKUP>MASTER'));
    assert.equal(aMaster.length, 2);
    // First lower-priority advert heard at 10611.375 starts the delay (preempt_time 20611.375);
    // adverts heard before that instant reset the down timer; the one heard at 20611.375 is no
    // longer "before" it and is ignored, so A takes over one master-down interval after the last
    // accepted advert (19611.375 + 3414.062).
    const t = Number(aMaster[1]!.split(':')[0]);
    assert.ok(t > 20_611.375 && t <= 20_611.375 + 3414.062, `takeover at ${t}`);
    assert.equal(t, 23_025.437);
    assert.deepEqual(n.vipHolders('VI'), ['A']);
  });

  it('equal priority: the higher primary address wins, deterministically', () => {
    const n = new SimNetwork(1);
    n.addInstance('A', v2spec('VI', '10.0.0.1', 100));
    n.addInstance('B', v2spec('VI', '10.0.0.2', 100));
    n.start();
    n.runUntil(10_000);
    // Both time out together and both advertise; A (lower address) yields on hearing B.
    assert.deepEqual(tr(n), ['0:A:INIT>BACKUP', '0:B:INIT>BACKUP', '3609.375:A:BACKUP>MASTER', '3609.375:B:BACKUP>MASTER', '3610.375:A:MASTER>BACKUP']);
    assert.deepEqual(n.vipHolders('VI'), ['B']);
  });

  it('address owner (255, state MASTER) is MASTER at once and the backup follows', () => {
    const n = new SimNetwork(1);
    n.addInstance('A', v2spec('VI', '10.0.0.1', 255, { startState: 'MASTER' }));
    n.addInstance('B', v2spec('VI', '10.0.0.2', 100));
    n.start();
    n.runUntil(5_000);
    assert.deepEqual(tr(n), ['0:A:INIT>MASTER', '0:B:INIT>BACKUP']);
  });

  it('tracking weight: a failing track_script lowers the master below the backup, which preempts', () => {
    const n = pairAB();
    n.runUntil(5_000);
    const t = computeTracking({ basePriority: 150, scripts: [{ name: 'chk_haproxy', status: 'failed', weight: -60 }] });
    n.event('A', 'VI', { type: 'trackingChanged', fault: t.fault, priority: t.priority });
    n.runUntil(15_000);
    assert.equal(n.machine('A', 'VI').effectivePriority, 90);
    // B ignores A's priority-90 adverts: takes over when its down timer (reset by A's last 150 advert at 4415.062) expires
    assert.deepEqual(tr(n).slice(-2), ['8024.437:B:BACKUP>MASTER', '8025.437:A:MASTER>BACKUP']);
    assert.deepEqual(n.vipHolders('VI'), ['B']);
  });

  it('FAULT: link down on the master sends priority 0, backup takes over in skew time; recovery preempts back', () => {
    const n = pairAB();
    n.runUntil(5_000);
    n.event('A', 'VI', { type: 'trackingChanged', fault: true, priority: 150 });
    n.runUntil(8_000);
    assert.deepEqual(tr(n).slice(-2), ['5000:A:MASTER>FAULT', '5610.375:B:BACKUP>MASTER']);
    n.event('A', 'VI', { type: 'trackingChanged', fault: false, priority: 150 });
    n.runUntil(20_000);
    assert.deepEqual(tr(n).slice(-3), ['8000:A:FAULT>BACKUP', '11414.062:A:BACKUP>MASTER', '11415.062:B:MASTER>BACKUP']);
  });

  it('link down without tracking (isolation): split brain while apart, re-election when rejoined', () => {
    const n = pairAB();
    n.runUntil(5_000);
    n.setLink('B', false);
    n.runUntil(10_000);
    assert.deepEqual(n.masters('VI').sort(), ['A', 'B']);
    n.setLink('B', true);
    n.runUntil(12_000);
    assert.deepEqual(n.masters('VI'), ['A']);
  });

  it('VRRPv3 IPv6: the backup adopts the master\'s advert interval for its master-down timer', () => {
    const n = new SimNetwork(1);
    n.addInstance('A', v3spec6('VI', 'fe80::1', 200, { advertIntMs: 100 }));
    n.addInstance('B', v3spec6('VI', 'fe80::2', 100, { advertIntMs: 1000 }));
    n.start();
    n.runUntil(1_000);
    // A: 3×100 + (56×10×625/16 µs = 21.875 ms)
    assert.deepEqual(tr(n), ['0:A:INIT>BACKUP', '0:B:INIT>BACKUP', '321.875:A:BACKUP>MASTER']);
    assert.equal(n.machine('B', 'VI').snapshot().masterAdvertIntMs, 100);
    n.crash('A');
    n.runUntil(3_000);
    // last advert from A at 921.875, heard 922.875; B down = 3×100 + 156×10×625/16 µs (60.9375 ms)
    assert.deepEqual(tr(n).slice(-1), ['1283.812:B:BACKUP>MASTER']);
    // As master, B advertises at its own interval.
    const fromB = n.packets.filter((p) => p.from === 'B').map((p) => us(p.t));
    assert.deepEqual(fromB.slice(0, 2), [1283.812, 2283.812]);
  });

  it('VRRPv2 advert interval mismatch: adverts dropped and counted, both become MASTER (as keepalived)', () => {
    const n = pairAB({}, { advertIntMs: 2000 });
    n.runUntil(10_000);
    assert.deepEqual(n.masters('VI').sort(), ['A', 'B']);
    assert.ok(n.machine('B', 'VI').counters.drops['advert-interval-mismatch'] > 0);
    assert.ok(n.machine('A', 'VI').counters.drops['advert-interval-mismatch'] > 0);
  });

  it('auth PASS mismatch: dropped as auth-failure, counted', () => {
    const n = pairAB({ authType: 1, authPassword: 'secret1' }, { authType: 1, authPassword: 'secret2' });
    n.runUntil(6_000);
    assert.ok(n.machine('B', 'VI').counters.drops['auth-failure'] > 0);
    assert.equal(n.machine('B', 'VI').counters.advertsReceived, 0);
  });

  it('unicast peers: adverts go to the peer only and elect the same way', () => {
    const n = new SimNetwork(1);
    n.addInstance('A', v2spec('VI', '10.0.0.1', 150, { unicastPeers: ['10.0.0.2'] }));
    n.addInstance('B', v2spec('VI', '10.0.0.2', 100, { unicastPeers: ['10.0.0.1'] }));
    n.addInstance('C', v2spec('VI', '10.0.0.3', 50));
    n.start();
    n.runUntil(6_000);
    assert.ok(n.packets.filter((p) => p.from === 'A').every((p) => p.dst === '10.0.0.2'));
    assert.equal(n.machine('B', 'VI').state, 'BACKUP');
    assert.equal(n.machine('C', 'VI').counters.advertsReceived, 0);
  });

  it('deterministic: the same inputs give the same packets and transitions', () => {
    const run = (): string => {
      const n = pairAB();
      n.runUntil(5_000);
      n.crash('A');
      n.runUntil(9_000);
      return JSON.stringify([n.transitions, n.packets.map((p) => [p.t, p.from, p.priority, p.bytes.toString('hex')])]);
    };
    assert.equal(run(), run());
  });
});

describe('sync groups (simulated LAN)', () => {
  function groups(): SimNetwork {
    const n = new SimNetwork(1);
    n.addInstance('A', v2spec('VI_1', '10.0.0.1', 150, { vrid: 1 }));
    n.addInstance('A', v2spec('VI_2', '10.0.0.1', 150, { vrid: 2, vips: ['192.168.201.1'] }));
    n.addInstance('B', v2spec('VI_1', '10.0.0.2', 100, { vrid: 1 }));
    n.addInstance('B', v2spec('VI_2', '10.0.0.2', 100, { vrid: 2, vips: ['192.168.201.1'] }));
    n.addSyncGroup('A', 'G', ['VI_1', 'VI_2']);
    n.addSyncGroup('B', 'G', ['VI_1', 'VI_2']);
    n.start();
    n.runUntil(5_000);
    return n;
  }

  it('both members elect together', () => {
    const n = groups();
    assert.deepEqual(n.masters('VI_1'), ['A']);
    assert.deepEqual(n.masters('VI_2'), ['A']);
    assert.deepEqual(n.groupChanges.filter((g) => g.router === 'A').map((g) => g.state), ['BACKUP', 'MASTER']);
  });

  it('one member to FAULT takes the group to FAULT; the peer group takes over both', () => {
    const n = groups();
    n.event('A', 'VI_1', { type: 'trackingChanged', fault: true, priority: 150 });
    assert.equal(n.machine('A', 'VI_2').state, 'FAULT');
    // Recorded from keepalived 2.2.7: the faulty member sends priority 0 twice, the member synced to FAULT once.
    const zeros = n.packets.filter((p) => p.from === 'A' && p.priority === 0).map((p) => p.instance);
    assert.deepEqual(zeros, ['VI_1', 'VI_1', 'VI_2']);
    n.runUntil(8_000);
    assert.deepEqual(n.masters('VI_1'), ['B']);
    assert.deepEqual(n.masters('VI_2'), ['B']);
    assert.deepEqual(n.vipHolders('VI_2'), ['B']);
    // Group FAULT persists while the member's own fault lasts, then the group comes back and preempts.
    n.event('A', 'VI_1', { type: 'trackingChanged', fault: false, priority: 150 });
    assert.equal(n.machine('A', 'VI_1').state, 'BACKUP');
    assert.equal(n.machine('A', 'VI_2').state, 'BACKUP');
    n.runUntil(20_000);
    assert.deepEqual(n.masters('VI_1'), ['A']);
    assert.deepEqual(n.masters('VI_2'), ['A']);
  });

  it('a member only goes MASTER when every member wants to (keepalived prefers BACKUP), then all go together', () => {
    const n = groups();
    // Lower A's VI_1 only: B's VI_1 times out and wants MASTER, but B's VI_2 still follows A's VI_2
    // at 150, so the group holds B's VI_1 in BACKUP rather than split the group.
    n.event('A', 'VI_1', { type: 'trackingChanged', fault: false, priority: 50 });
    n.runUntil(15_000);
    assert.deepEqual(n.masters('VI_1'), ['A']);
    assert.equal(n.machine('B', 'VI_1').state, 'BACKUP');
    assert.equal(n.machine('B', 'VI_1').wantsMaster, true);
    // Now A's VI_2 drops too: B's VI_2 times out, the whole group may go, and B's VI_2 takes VI_1 along.
    n.event('A', 'VI_2', { type: 'trackingChanged', fault: false, priority: 50 });
    n.runUntil(25_000);
    assert.deepEqual(n.masters('VI_1'), ['B']);
    assert.deepEqual(n.masters('VI_2'), ['B']);
    const bVi1 = n.transitions.find((t) => t.router === 'B' && t.instance === 'VI_1' && t.to === 'MASTER')!;
    const bVi2 = n.transitions.find((t) => t.router === 'B' && t.instance === 'VI_2' && t.to === 'MASTER')!;
    assert.equal(bVi1.t, bVi2.t, 'both members of the group become MASTER in the same step');
    assert.equal(n.machine('A', 'VI_1').state, 'BACKUP');
    assert.equal(n.machine('A', 'VI_2').state, 'BACKUP');
  });
});
