// Property: any sequence of events (including nonsense orders: adverts before start, stop twice,
// faults while stopped) never throws, and the machine's invariants hold after every step:
// VIPs held ⇔ MASTER; a running BACKUP/MASTER always has a deadline; INIT/FAULT never do.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { VrrpInstanceMachine, type VrrpEvent } from '../../../src/vrrp/fsm/index.js';
import { DROP_REASONS, type DecodedAdvert } from '../../../src/vrrp/packet/index.js';
import { v2spec, v3spec6 } from './sim-helpers.js';

const advertArb = (v3: boolean): fc.Arbitrary<VrrpEvent> =>
  fc.record({ src: fc.constantFrom('1', '5', '9'), priority: fc.integer({ min: 0, max: 255 }), cs: fc.integer({ min: 1, max: 300 }) }).map(({ src, priority, cs }) => ({
    type: 'advertReceived',
    advert: (v3
      ? { version: 3, family: 'ipv6', vrid: 61, priority, advertIntMs: cs * 10, addresses: ['fd00:1::100'], authType: 0, src: `fe80::${src}`, checksumAgainstMulticastGroup: false }
      : { version: 2, family: 'ipv4', vrid: 51, priority, advertIntMs: 1000, addresses: ['192.168.200.16'], authType: 0, src: `10.0.0.${src}`, checksumAgainstMulticastGroup: false }) as DecodedAdvert,
  }));

const eventArb = (v3: boolean): fc.Arbitrary<VrrpEvent> =>
  fc.oneof(
    { weight: 4, arbitrary: advertArb(v3) },
    { weight: 4, arbitrary: fc.constant<VrrpEvent>({ type: 'timerExpired' }) },
    { weight: 1, arbitrary: fc.constantFrom<VrrpEvent>({ type: 'start' }, { type: 'stop' }) },
    { weight: 1, arbitrary: fc.constantFrom(...DROP_REASONS).map((reason): VrrpEvent => ({ type: 'advertDropped', reason })) },
    { weight: 2, arbitrary: fc.record({ fault: fc.boolean(), priority: fc.integer({ min: -300, max: 600 }) }).map(({ fault, priority }): VrrpEvent => ({ type: 'trackingChanged', fault, priority })) },
  );

describe('VrrpInstanceMachine properties', () => {
  for (const v3 of [false, true]) {
    it(`${v3 ? 'v3/IPv6' : 'v2/IPv4'}: never throws, invariants hold after every event`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 255 }),
          fc.boolean(),
          fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), eventArb(v3)), { maxLength: 60 }),
          (priority, preempt, steps) => {
            const spec = v3 ? v3spec6('VI', 'fe80::5', priority, { preempt, advertIntMs: 1000 }) : v2spec('VI', '10.0.0.5', priority, { preempt });
            const m = new VrrpInstanceMachine(spec);
            let now = 0;
            let holding = false;
            for (const [dt, ev] of steps) {
              const apply = (e: VrrpEvent, at: number): void => {
                for (const fx of m.handle(e, at)) {
                  if (fx.type === 'addVips') holding = true;
                  if (fx.type === 'removeVips') holding = false;
                  if (fx.type === 'sendAdvert') assert.ok(fx.priority === 0 || fx.priority === m.effectivePriority);
                }
              };
              // Timers are delivered at their deadline, before any later event, as the engine does.
              if (ev.type === 'timerExpired') now = Math.max(now, m.nextDeadline() ?? now);
              else {
                now += dt;
                for (let d = m.nextDeadline(); d !== undefined && d <= now; d = m.nextDeadline()) apply({ type: 'timerExpired' }, d);
              }
              apply(ev, now);
              assert.equal(holding, m.state === 'MASTER', `VIPs ${holding} in ${m.state}`);
              const d = m.nextDeadline();
              // A deadline may already be past (a priority rise shortens a running down timer, as in
              // keepalived): it then means "due now".
              if (m.state === 'BACKUP' || m.state === 'MASTER') assert.ok(d !== undefined, `${m.state} without a deadline`);
              else assert.equal(d, undefined);
              assert.ok(m.effectivePriority >= 1 && m.effectivePriority <= 255);
            }
          },
        ),
        { numRuns: 400, seed: 5798 },
      );
    });
  }
});
