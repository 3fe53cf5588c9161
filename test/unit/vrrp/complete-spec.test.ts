// keepalived's vrrp_complete_instance rules: defaults depending on strict/owner, corrections with warnings.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { completeSpec, makeSpec, type SpecDraft, type SpecGlobals } from '../../../src/vrrp/fsm/index.js';

const G: SpecGlobals = { garpLowerPrioRepeat: 5, garpLowerPrioDelayMs: 5000, lowerPrioNoAdvert: false, higherPrioSendAdvert: false };
function draft(extra: Partial<SpecDraft> = {}): SpecDraft {
  const { accept: _a, garpLowerPrioRepeat: _r, garpLowerPrioDelayMs: _d, lowerPrioNoAdvert: _l, higherPrioSendAdvert: _h, ...base } = makeSpec({ name: 'VI', vrid: 1, priority: 100, primaryAddress: '10.0.0.1', vips: ['10.0.0.100'] });
  return { ...base, ...extra };
}

describe('completeSpec (keepalived vrrp_complete_instance)', () => {
  it('non-strict defaults: accept on, lower-prio GARPs from globals, no warnings', () => {
    const { spec, warnings } = completeSpec(draft(), G);
    assert.deepEqual(warnings, []);
    assert.equal(spec.accept, true);
    assert.equal(spec.garpLowerPrioRepeat, 5);
    assert.equal(spec.garpLowerPrioDelayMs, 5000);
    assert.equal(spec.lowerPrioNoAdvert, false);
  });
  it('strict defaults: no accept (unless owner), no lower-prio GARPs, lower_prio_no_advert on', () => {
    const { spec } = completeSpec(draft({ strict: true }), G);
    assert.equal(spec.accept, false);
    assert.equal(spec.garpLowerPrioRepeat, 0);
    assert.equal(spec.garpLowerPrioDelayMs, 0);
    assert.equal(spec.lowerPrioNoAdvert, true);
    assert.equal(completeSpec(draft({ strict: true, priority: 255, startState: 'MASTER' }), G).spec.accept, true);
  });
  it('strict corrections are warned: v2+IPv6 → v3, auth dropped, explicit settings reset, state must match owner', () => {
    const { spec, warnings } = completeSpec(
      draft({ strict: true, family: 'ipv6', primaryAddress: 'fe80::1', vips: ['fd00::1'], authType: 1, authPassword: 'x', garpLowerPrioRepeat: 3, lowerPrioNoAdvert: false, higherPrioSendAdvert: true, startState: 'MASTER', accept: true }),
      G,
    );
    assert.equal(spec.version, 3);
    assert.equal(spec.authType, 0);
    assert.equal(spec.garpLowerPrioRepeat, 0);
    assert.equal(spec.lowerPrioNoAdvert, true);
    assert.equal(spec.higherPrioSendAdvert, false);
    assert.equal(spec.startState, 'BACKUP');
    assert.equal(warnings.length, 6);
    assert.ok(warnings.every((w) => w.startsWith('(VI) ')));
  });
  it('strict v2 non-owner cannot accept', () => {
    const { spec, warnings } = completeSpec(draft({ strict: true, accept: true }), G);
    assert.equal(spec.accept, false);
    assert.match(warnings[0]!, /accept mode for VRRP version 2/);
  });
  it('nopreempt/preempt_delay cleared with state MASTER or priority 255; preempt_delay cleared by nopreempt', () => {
    assert.equal(completeSpec(draft({ priority: 255, preempt: false }), G).spec.preempt, true);
    const m = completeSpec(draft({ startState: 'MASTER', preempt: false, preemptDelayMs: 3000 }), G).spec;
    assert.equal(m.preempt, true);
    assert.equal(m.preemptDelayMs, 0);
    assert.equal(completeSpec(draft({ preempt: false, preemptDelayMs: 3000 }), G).spec.preemptDelayMs, 0);
    assert.equal(completeSpec(draft({ preemptDelayMs: 3000 }), G).spec.preemptDelayMs, 3000);
  });
  it('v3 or password-less auth is dropped with a warning', () => {
    assert.equal(completeSpec(draft({ version: 3, advertIntMs: 1000, authType: 1, authPassword: 'pw' }), G).spec.authType, 0);
    assert.equal(completeSpec(draft({ authType: 1 }), G).spec.authType, 0);
    assert.equal(completeSpec(draft({ authType: 1, authPassword: 'pw' }), G).spec.authType, 1);
  });
});
