// Replays a trace recorded from the real keepalived 2.2.7 and checks the machine produces the same
// packets at the same times. Recording: keepalived (vrid 51, priority 150, advert_int 1, state
// MASTER, one VIP, all garp settings default) in a network namespace, tcpdump on the peer side of
// the veth; 2.211 s after keepalived became MASTER a priority-50 advert was injected from the peer.
// Times below are relative to keepalived's first advert; each GARP burst (5 ARPs spread over a few
// ms by keepalived's sending loop) is one entry.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpInstanceMachine, type VrrpEffect } from '../../../src/vrrp/fsm/index.js';
import { v2spec } from './sim-helpers.js';

const RECORDED: Array<[number, string]> = [
  [0.0, 'advert:150'],
  [0.004, 'garp:5'],
  [1.017, 'advert:150'],
  [2.017, 'advert:150'],
  // injected: priority 50 from 10.9.1.2 at 2.211
  [2.211, 'advert:150'],
  [2.211, 'garp:5'],
  [3.212, 'advert:150'],
  [4.212, 'advert:150'],
  [5.021, 'garp:5'], // garp_master_delay 5 s after becoming MASTER
  [5.212, 'advert:150'],
  [6.212, 'advert:150'],
  [7.214, 'garp:5'], // garp_lower_prio_delay 5 s after the lower-priority advert
  [7.222, 'advert:150'],
  [8.222, 'advert:150'],
];

describe('replay of a keepalived 2.2.7 trace', () => {
  it('master hearing a lower-priority advert: same adverts and GARP bursts at the same times (±25 ms)', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.9.1.1', 150, { vips: ['10.9.1.100'], startState: 'MASTER' }));
    const out: Array<[number, string]> = [];
    const record = (t: number, fx: VrrpEffect[]): void => {
      for (const e of fx) {
        if (e.type === 'sendAdvert') out.push([t, `advert:${e.priority}`]);
        if (e.type === 'sendGarp') out.push([t, `garp:${e.repeat}`]);
      }
    };
    record(0, m.handle({ type: 'start' }, 0));
    const becameMaster = 3000 + 414.062; // master-down interval of priority 150
    const inject = becameMaster + 2211;
    let injected = false;
    for (;;) {
      const d = m.nextDeadline()!;
      if (!injected && d > inject) {
        injected = true;
        record(inject, m.handle({ type: 'advertReceived', advert: { version: 2, family: 'ipv4', vrid: 51, priority: 50, advertIntMs: 1000, addresses: ['10.9.1.100'], authType: 0, src: '10.9.1.2', checksumAgainstMulticastGroup: false } }, inject));
        continue;
      }
      if (d > becameMaster + 8300) break;
      record(d, m.handle({ type: 'timerExpired' }, d));
    }
    const rel = out.map(([t, what]) => [(t - becameMaster) / 1000, what] as [number, string]);
    assert.deepEqual(rel.map((r) => r[1]), RECORDED.map((r) => r[1]));
    rel.forEach(([t], i) => assert.ok(Math.abs(t - RECORDED[i]![0]) <= 0.025, `${RECORDED[i]![1]} at ${t} s, keepalived at ${RECORDED[i]![0]} s`));
  });

  it('master hearing an equal priority from a higher address yields, then takes over again when it falls silent', () => {
    // Recording: keepalived 10.9.1.1 priority 100 state MASTER; 2.567 s after its first advert the
    // peer 10.9.1.2 sent one priority-100 advert ("same priority 100 but higher IP address than
    // ours" → BACKUP); keepalived became MASTER again at 6.185 (3 s + 156/256 s later).
    const m = new VrrpInstanceMachine(v2spec('VI', '10.9.1.1', 100, { vips: ['10.9.1.100'], startState: 'MASTER' }));
    const t0 = 3609.375;
    m.handle({ type: 'start' }, 0);
    const sent: number[] = [];
    const step = (now: number, fx: VrrpEffect[]): void => {
      for (const e of fx) if (e.type === 'sendAdvert') sent.push(Math.round(now - t0) / 1000);
    };
    let injected = false;
    for (;;) {
      const d = m.nextDeadline()!;
      if (!injected && d > t0 + 2567) {
        injected = true;
        step(t0 + 2567, m.handle({ type: 'advertReceived', advert: { version: 2, family: 'ipv4', vrid: 51, priority: 100, advertIntMs: 1000, addresses: ['10.9.1.100'], authType: 0, src: '10.9.1.2', checksumAgainstMulticastGroup: false } }, t0 + 2567));
        assert.equal(m.state, 'BACKUP');
        continue;
      }
      if (d > t0 + 6300) break;
      step(d, m.handle({ type: 'timerExpired' }, d));
    }
    const recorded = [0, 1.024, 2.052, 6.185];
    assert.equal(sent.length, recorded.length, sent.join(', '));
    // the first three are paced by keepalived's own (lagging) sends; the takeover is protocol-timed
    assert.ok(recorded[3]! - sent[3]! >= 0 && recorded[3]! - sent[3]! <= 0.025, `takeover at ${sent[3]}, keepalived ${recorded[3]}`);
  });

  // Backup side, recorded the same way: keepalived (priority 100, state BACKUP); a priority-150
  // master injected from the peer. Times relative to the first injected advert.
  const backupRun = (injections: Array<[number, number]>, until: number, v3IntervalMs?: number, priority = 100, preemptDelayMs = 0): number[] => {
    const v3 = v3IntervalMs !== undefined;
    const m = new VrrpInstanceMachine(v2spec('VI', '10.9.1.1', priority, { vips: ['10.9.1.100'], preemptDelayMs, ...(v3 ? { version: 3 as const } : {}) }));
    const sent: number[] = [];
    const note = (t: number, fx: VrrpEffect[]): void => {
      for (const e of fx) if (e.type === 'sendAdvert') sent.push(t);
    };
    note(-300, m.handle({ type: 'start' }, -300));
    const queue = [...injections];
    for (;;) {
      const d = m.nextDeadline() ?? Infinity;
      const next = queue[0];
      if (next && next[0] * 1000 <= d) {
        queue.shift();
        const advert = { version: v3 ? (3 as const) : (2 as const), family: 'ipv4' as const, vrid: 51, priority: next[1], advertIntMs: v3IntervalMs ?? 1000, addresses: ['10.9.1.100'], authType: 0 as const, src: '10.9.1.2', checksumAgainstMulticastGroup: false };
        note(next[0] * 1000, m.handle({ type: 'advertReceived', advert }, next[0] * 1000));
        continue;
      }
      if (d > until) break;
      note(d, m.handle({ type: 'timerExpired' }, d));
    }
    return sent.map((t) => t / 1000);
  };
  /**
   * Same number of adverts, and the first `timed` of them at keepalived's times: keepalived's own
   * sends lag its timers by a few ms (scheduling), never lead them. Later adverts are spaced from
   * keepalived's actual (lagging) send time, so that lag accumulates and only the count is compared.
   */
  const near = (got: number[], want: number[], timed = want.length): void => {
    assert.equal(got.length, want.length, `adverts at ${got.join(', ')}; keepalived at ${want.join(', ')}`);
    got.slice(0, timed).forEach((t, i) => assert.ok(want[i]! - t >= 0 && want[i]! - t <= 0.025, `advert at ${t} s, keepalived at ${want[i]} s`));
  };

  it('backup after the master dies silently: MASTER 3 × advert_int + skew after the last advert', () => {
    // keepalived: injected adverts at 0, 1.001, 2.001, 3.001, 4.001; its own adverts at 7.614, 8.616
    near(backupRun([[0, 150], [1.001, 150], [2.001, 150], [3.001, 150], [4.001, 150]], 9000), [7.614, 8.616]);
  });

  it('VRRPv3 backup (advert_int 1) following a 0.5 s master: down = 3 × 0.5 + skew of 0.5, then advertises at its own 1 s', () => {
    // keepalived logged "advertisement interval updated from 1000ms to 500ms by master"; injected
    // v3 adverts (50 cs) at 0, 0.5, 1.002, 1.502; its own adverts at 3.307, 4.308, 5.310, 6.310
    near(backupRun([[0, 150], [0.5, 150], [1.002, 150], [1.502, 150]], 6400, 500), [3.307, 4.308, 5.31, 6.31]);
  });

  it('preempt_delay: a lower-priority master is followed until the delay has passed, then preempted', () => {
    // keepalived priority 200, preempt_delay 3: injected priority 100 at 0 ("start preempt delay"),
    // at 3.201 ("received lower priority (100) advert - discarding") and 3.401; keepalived became
    // MASTER when the down timer armed by the advert at 0 ran out (3 + 56/256 s): adverts at 3.221,
    // 3.410 (answering the lower-priority advert), 4.443, 5.447
    near(backupRun([[0, 100], [3.201, 100], [3.401, 100]], 5500, undefined, 200, 3000), [3.221, 3.41, 4.443, 5.447], 2);
  });

  it('backup hearing priority 0: MASTER after skew time', () => {
    // keepalived: injected 150 at 0, 1.000, 2.000, then 0 at 2.501; its own adverts at 3.116, 4.125, 5.125
    near(backupRun([[0, 150], [1.0, 150], [2.0, 150], [2.501, 0]], 5200), [3.116, 4.125, 5.125]);
  });
});

describe('replay of a keepalived 2.2.7 sync-group trace', () => {
  it('a member whose master is silent is held in BACKUP while the other member still follows its master', async () => {
    // Recording: keepalived with vrrp_sync_group G { VI_1 (vrid 1), VI_2 (vrid 2) }, both priority
    // 100, state BACKUP. The peer advertised only VI_2 (priority 150) at 0, 1, ..., 7.002 s and then
    // went silent. keepalived logged "(VI_1) Receive advertisement timeout" three times (held by
    // the group), then at 10.616 VI_2 timed out, became MASTER and "Syncing instances to MASTER"
    // took VI_1 along: its adverts for vrid 2 at 10.616, 11.627 and for vrid 1 at 10.627, 11.637.
    const { SimNetwork } = await import('../../../src/vrrp/sim/index.js');
    const { encodeAdvert } = await import('../../../src/vrrp/packet/index.js');
    const n = new SimNetwork(0);
    n.addInstance('K', v2spec('VI_1', '10.9.1.1', 100, { vrid: 1, vips: ['10.9.1.101'] }));
    n.addInstance('K', v2spec('VI_2', '10.9.1.1', 100, { vrid: 2, vips: ['10.9.1.102'] }));
    n.addSyncGroup('K', 'G', ['VI_1', 'VI_2']);
    n.runUntil(1000);
    n.start('K');
    const vi2 = encodeAdvert({ version: 2, family: 'ipv4', vrid: 2, priority: 150, advertIntMs: 1000, addresses: ['10.9.1.102'], authType: 0 });
    const t0 = 1300;
    for (const t of [0, 1.0, 2.0, 3.001, 4.001, 5.001, 6.001, 7.002]) {
      n.runUntil(t0 + t * 1000);
      n.inject({ src: '10.9.1.2', dst: '224.0.0.18', bytes: vi2 });
    }
    n.runUntil(t0 + 12_000);
    const own = n.packets.filter((p) => p.from === 'K').map((p) => [p.vrid, Math.round(p.t - t0) / 1000] as const);
    // Per VRID (keepalived's 10 ms between the members is its GARP sending loop, not protocol).
    const recorded: Record<number, number[]> = { 1: [10.627, 11.637], 2: [10.616, 11.627] };
    for (const vrid of [1, 2]) {
      const mine = own.filter((p) => p[0] === vrid).map((p) => p[1]);
      assert.equal(mine.length, recorded[vrid]!.length, JSON.stringify(own));
      mine.forEach((t, i) => assert.ok(recorded[vrid]![i]! - t >= 0 && recorded[vrid]![i]! - t <= 0.03, `vrid ${vrid} at ${t}, keepalived ${recorded[vrid]![i]}`));
    }
    assert.deepEqual(n.transitions.filter((t) => t.to === 'MASTER').map((t) => t.instance), ['VI_2', 'VI_1']);
  });
});
