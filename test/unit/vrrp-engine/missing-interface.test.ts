import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpEngine } from '../../../src/vrrp/engine/engine.js';
import type { EngineConfig } from '../../../src/vrrp/engine/engine-spec.js';
import { FakeWorld, instance, settle } from './fake-world.js';

const groupCfg = (): EngineConfig => ({
  instances: [
    instance('VI_1', 'eth0', ['192.168.50.10/24']),
    instance('VI_2', 'eth1', ['10.1.0.1/24'], { vrid: 52 }),
  ],
  syncGroups: [{ name: 'G', members: ['VI_1', 'VI_2'], notify: {} }],
  scripts: [],
});

const stateOf = (e: VrrpEngine, name: string) => e.status().instances.find((i) => i.name === name)?.state;

test('an instance on a missing interface is held in FAULT, keeps its sync group in FAULT, and recovers when the interface appears', async () => {
  const w = new FakeWorld();
  w.addInterface('eth0', '192.168.50.1');
  const engine = new VrrpEngine(groupCfg(), w.deps());
  try {
    await engine.start();
    await settle();
    const st = engine.status();
    const vi2 = st.instances.find((i) => i.name === 'VI_2');
    assert.ok(vi2, 'VI_2 is in status');
    assert.equal(vi2.state, 'FAULT');
    assert.ok(vi2.faultReasons.includes('interface eth1 missing: no socket'), vi2.faultReasons.join(','));
    assert.deepEqual(st.notRunning, []);
    assert.deepEqual(st.syncGroups.map((g) => [g.name, g.state]), [['G', 'FAULT']]);
    assert.equal(stateOf(engine, 'VI_1'), 'FAULT', 'the partner follows the group into FAULT');
    assert.deepEqual([...w.openChannels], ['eth0/ipv4']);

    w.addInterface('eth1', '10.1.0.2', false);
    w.link('eth1', false); // created, still down
    await settle();
    assert.equal(stateOf(engine, 'VI_2'), 'FAULT');
    w.link('eth1', true);
    for (let i = 0; i < 20 && stateOf(engine, 'VI_2') === 'FAULT'; i++) await settle();
    assert.deepEqual([...w.openChannels].sort(), ['eth0/ipv4', 'eth1/ipv4'], 'socket opened');
    assert.equal(stateOf(engine, 'VI_2'), 'BACKUP');
    assert.equal(stateOf(engine, 'VI_1'), 'BACKUP');
    assert.deepEqual(engine.status().instances.find((i) => i.name === 'VI_2')!.faultReasons, []);
    assert.equal(engine.status().syncGroups[0]!.state, 'BACKUP');
  } finally {
    await engine.stop();
  }
});

test('an instance whose socket cannot open for another reason is still reported as not running', async () => {
  const w = new FakeWorld();
  w.addInterface('eth0', '192.168.50.1');
  w.addInterface('eth1', '10.1.0.2');
  w.refuseOpen.add('eth1');
  const engine = new VrrpEngine(groupCfg(), w.deps());
  try {
    await engine.start();
    const st = engine.status();
    assert.deepEqual(st.instances.map((i) => i.name), ['VI_1']);
    assert.equal(st.notRunning.length, 1);
    assert.match(st.notRunning[0]!.reason, /Operation not permitted/);
  } finally {
    await engine.stop();
  }
});
