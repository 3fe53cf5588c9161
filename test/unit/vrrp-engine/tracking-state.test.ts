import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateTracking, ScriptState } from '../../../src/vrrp/engine/tracking-state.js';
import type { EngineInstanceSpec } from '../../../src/vrrp/engine/engine-spec.js';
import { makeSpec } from '../../../src/vrrp/fsm/spec.js';

const spec = (priority: number, over: Partial<EngineInstanceSpec> = {}): EngineInstanceSpec => ({
  vrrp: makeSpec({ name: 'VI_1', vrid: 1, priority, primaryAddress: '10.0.0.1', vips: ['10.0.0.100'] }),
  interface: 'eth0', vips: [], excludedVips: [], trackInterfaces: [], trackScripts: [], notify: {}, ...over,
});

test('script state: starts OK, needs `fall` failures to fail and `rise` successes to recover', () => {
  const s = new ScriptState({ name: 'chk', rise: 2, fall: 3, weight: 0 });
  assert.equal(s.ok, true);
  assert.equal(s.push(false), false);
  assert.equal(s.push(false), false);
  assert.equal(s.push(true), false, 'a success resets the failure streak');
  assert.equal(s.push(false), false);
  assert.equal(s.push(false), false);
  assert.equal(s.push(false), true);
  assert.equal(s.ok, false);
  assert.equal(s.push(true), false);
  assert.equal(s.push(true), true);
  assert.equal(s.ok, true);
});

test('tracking: own link down and weight-0 objects are FAULT; weights add by sign; clamped; owner keeps 255', () => {
  const up = new Set(['eth0', 'eth1']);
  const failing = new ScriptState({ name: 'bad', rise: 1, fall: 1, weight: 0 });
  failing.push(false);
  const good = new ScriptState({ name: 'good', rise: 1, fall: 1, weight: 0 });
  const scripts = (n: string) => (n === 'bad' ? failing : n === 'good' ? good : undefined);
  const link = (n: string) => up.has(n);

  assert.deepEqual(evaluateTracking(spec(100), link, scripts), { fault: false, priority: 100, reasons: [] });
  assert.equal(evaluateTracking(spec(100), () => false, scripts).fault, true);
  const s1 = spec(100, { trackScripts: [{ name: 'bad', weight: -30 }, { name: 'good', weight: 20 }] });
  assert.equal(evaluateTracking(s1, link, scripts).priority, 90);
  const s2 = spec(100, { trackScripts: [{ name: 'bad', weight: 0 }] });
  assert.deepEqual(evaluateTracking(s2, link, scripts).reasons, ['track_script bad failing']);
  const s3 = spec(100, { trackInterfaces: [{ ifname: 'eth2', weight: -150 }] });
  assert.equal(evaluateTracking(s3, link, scripts).priority, 1, 'clamped at 1');
  const s4 = spec(250, { trackScripts: [{ name: 'good', weight: 50 }] });
  assert.equal(evaluateTracking(s4, link, scripts).priority, 254, 'clamped at 254');
  const s5 = spec(255, { trackScripts: [{ name: 'bad', weight: -50 }] });
  assert.equal(evaluateTracking(s5, link, scripts).priority, 255, 'the address owner keeps 255');
  const s6 = spec(100, { trackInterfaces: [{ ifname: 'eth9', weight: 0 }] });
  assert.deepEqual(evaluateTracking(s6, link, scripts).reasons, ['tracked interface eth9 down']);
});
