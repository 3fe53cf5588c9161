// Tracking rules: rise/fall, weights, reverse, track_file, clamping, address owner.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TrackedScriptState, computeTracking } from '../../../src/vrrp/tracking/index.js';

describe('TrackedScriptState (rise/fall as keepalived)', () => {
  it('starts in init; one success is enough to be OK', () => {
    const s = new TrackedScriptState('chk', 3, 2);
    assert.equal(s.status, 'init');
    assert.equal(s.report(true), 'ok');
  });
  it('init_fail starts failed and needs `rise` successes', () => {
    const s = new TrackedScriptState('chk', 3, 2, 'failed');
    assert.equal(s.report(true), undefined);
    assert.equal(s.report(true), undefined);
    assert.equal(s.report(true), 'ok');
  });
  it('OK → failed after `fall` consecutive failures; a success in between resets', () => {
    const s = new TrackedScriptState('chk', 2, 3);
    s.report(true);
    assert.equal(s.report(false), undefined);
    assert.equal(s.report(false), undefined);
    assert.equal(s.report(true), undefined);
    assert.equal(s.report(false), undefined);
    assert.equal(s.report(false), undefined);
    assert.equal(s.report(false), 'failed');
    assert.equal(s.report(true), undefined);
    assert.equal(s.report(true), 'ok');
  });
  it('first failure while still init fails at once', () => {
    const s = new TrackedScriptState('chk', 2, 2);
    assert.equal(s.report(false), 'failed');
  });
  it('rejects rise/fall below 1 with a typed error', () => {
    assert.throws(() => new TrackedScriptState('chk', 0, 1), { name: 'ScriptStateError' });
  });
});

describe('computeTracking', () => {
  it('no tracking: base priority', () => {
    assert.deepEqual(computeTracking({ basePriority: 100 }), { fault: false, priority: 100, faultReasons: [], pendingScripts: [] });
  });
  it('interface weight 0: down → FAULT; reverse: up → FAULT', () => {
    assert.equal(computeTracking({ basePriority: 100, interfaces: [{ name: 'eth1', up: false, weight: 0 }] }).fault, true);
    assert.equal(computeTracking({ basePriority: 100, interfaces: [{ name: 'eth1', up: true, weight: 0 }] }).fault, false);
    assert.equal(computeTracking({ basePriority: 100, interfaces: [{ name: 'eth1', up: true, weight: 0, reverse: true }] }).fault, true);
  });
  it('interface weights: +w while up, −w while down', () => {
    assert.equal(computeTracking({ basePriority: 100, interfaces: [{ name: 'a', up: true, weight: 10 }] }).priority, 110);
    assert.equal(computeTracking({ basePriority: 100, interfaces: [{ name: 'a', up: false, weight: 10 }] }).priority, 100);
    assert.equal(computeTracking({ basePriority: 100, interfaces: [{ name: 'a', up: false, weight: -30 }] }).priority, 70);
    assert.equal(computeTracking({ basePriority: 100, interfaces: [{ name: 'a', up: true, weight: -30 }] }).priority, 100);
  });
  it('script weights: +w while OK, −w while failed; reverse flips the sign; init contributes nothing', () => {
    const p = (status: 'ok' | 'failed' | 'init', weight: number, reverse = false): number =>
      computeTracking({ basePriority: 100, scripts: [{ name: 's', status, weight, reverse }] }).priority;
    assert.equal(p('ok', 20), 120);
    assert.equal(p('failed', 20), 100);
    assert.equal(p('failed', -20), 80);
    assert.equal(p('ok', 20, true), 80);
    assert.equal(p('init', 20), 100);
  });
  it('script weight 0: failed → FAULT; not yet run → pending (fault until it reports)', () => {
    const r = computeTracking({ basePriority: 100, scripts: [{ name: 's', status: 'init', weight: 0 }] });
    assert.equal(r.fault, true);
    assert.deepEqual(r.pendingScripts, ['s']);
    assert.equal(computeTracking({ basePriority: 100, scripts: [{ name: 's', status: 'failed', weight: 0 }] }).fault, true);
    assert.equal(computeTracking({ basePriority: 100, scripts: [{ name: 's', status: 'ok', weight: 0 }] }).fault, false);
  });
  it('track_file: value × weight, capped at 253, ≤ −254 → FAULT; weight 0: non-zero → FAULT', () => {
    const f = (value: number, weight: number, reverse = false) => computeTracking({ basePriority: 100, files: [{ name: 'f', value, weight, reverse }] });
    assert.equal(f(5, 2).priority, 110);
    assert.equal(f(-5, 2).priority, 90);
    assert.equal(f(5, 2, true).priority, 90);
    assert.equal(f(-127, 2).fault, true);
    assert.equal(f(1000, 1).priority, 254);
    assert.equal(f(3, 0).fault, true);
    assert.equal(f(0, 0).fault, false);
    assert.equal(f(0, 0, true).fault, true);
  });
  it('clamps to 1..254; the address owner stays 255', () => {
    assert.equal(computeTracking({ basePriority: 100, scripts: [{ name: 's', status: 'failed', weight: -200 }] }).priority, 1);
    assert.equal(computeTracking({ basePriority: 250, scripts: [{ name: 's', status: 'ok', weight: 50 }] }).priority, 254);
    assert.equal(computeTracking({ basePriority: 255, scripts: [{ name: 's', status: 'failed', weight: -50 }] }).priority, 255);
  });
});
