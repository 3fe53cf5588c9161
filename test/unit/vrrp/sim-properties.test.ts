// Property: whatever happens (starts, graceful stops, crashes, priority changes, faults), once the
// LAN is left alone long enough, exactly one running non-FAULT router is MASTER and it alone holds
// the VIPs — for v2/IPv4 and v3/IPv6, with and without preemption. Deterministic per seed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SimNetwork } from '../../../src/vrrp/sim/index.js';
import { v2spec, v3spec6 } from './sim-helpers.js';

type Action =
  | { kind: 'stop' | 'start' | 'crash'; router: number }
  | { kind: 'priority'; router: number; priority: number }
  | { kind: 'fault'; router: number; fault: boolean };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constantFrom<'stop' | 'start' | 'crash'>('stop', 'start', 'crash'), router: fc.nat(3) }),
  fc.record({ kind: fc.constant<'priority'>('priority'), router: fc.nat(3), priority: fc.integer({ min: 1, max: 254 }) }),
  fc.record({ kind: fc.constant<'fault'>('fault'), router: fc.nat(3), fault: fc.boolean() }),
);

describe('VRRP simulated LAN properties', () => {
  it('converges to exactly one MASTER holding the VIPs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }),
        fc.array(fc.integer({ min: 1, max: 255 }), { minLength: 4, maxLength: 4 }),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 4000 }), actionArb), { maxLength: 8 }),
        (count, prios, v3, preempt, actions) => {
          const n = new SimNetwork(1);
          const names = Array.from({ length: count }, (_, i) => `R${i}`);
          const priorities = names.map((_, i) => prios[i]!);
          names.forEach((r, i) => {
            const extra = { preempt, startState: (priorities[i] === 255 ? 'MASTER' : 'BACKUP') as 'MASTER' | 'BACKUP' };
            n.addInstance(r, v3 ? v3spec6('VI', `fe80::${i + 1}`, priorities[i]!, { ...extra, advertIntMs: 100 }) : v2spec('VI', `10.0.0.${i + 1}`, priorities[i]!, extra));
          });
          n.start();
          const crashed = new Set<string>();
          const faulty = new Set<string>();
          for (const [dt, a] of actions) {
            n.runFor(dt);
            const r = names[a.router % count]!;
            if (crashed.has(r)) continue;
            if (a.kind === 'crash') {
              n.crash(r);
              crashed.add(r);
            } else if (a.kind === 'stop') n.stop(r);
            else if (a.kind === 'start') n.event(r, 'VI', { type: 'start' });
            else if (a.kind === 'priority') n.event(r, 'VI', { type: 'trackingChanged', fault: faulty.has(r), priority: a.priority });
            else if (a.kind === 'fault') {
              if (a.fault) faulty.add(r);
              else faulty.delete(r);
              n.event(r, 'VI', { type: 'trackingChanged', fault: a.fault, priority: n.machine(r, 'VI').effectivePriority });
            }
          }
          n.runFor(30_000);
          const candidates = names.filter((r) => !crashed.has(r) && ['BACKUP', 'MASTER'].includes(n.machine(r, 'VI').state));
          const masters = n.masters('VI');
          assert.equal(masters.length, candidates.length > 0 ? 1 : 0, `masters ${masters.join(',')} among ${candidates.join(',')}`);
          assert.deepEqual(n.vipHolders('VI'), masters);
          assert.equal(n.drops.length, 0, JSON.stringify(n.drops.slice(0, 3)));
          if (preempt && masters.length === 1) {
            // With preemption the master has the highest effective priority (ties: highest address).
            const best = Math.max(...candidates.map((r) => n.machine(r, 'VI').effectivePriority));
            assert.equal(n.machine(masters[0]!, 'VI').effectivePriority, best);
          }
        },
      ),
      { numRuns: 150, seed: 20261123 },
    );
  });
});
