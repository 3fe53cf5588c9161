import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpEngine } from '../../../src/vrrp/engine/engine.js';
import type { EngineConfig, EngineInstanceSpec } from '../../../src/vrrp/engine/engine-spec.js';
import { FakeWorld, instance, settle } from './fake-world.js';

const cfg = (...instances: EngineInstanceSpec[]): EngineConfig => ({ instances, syncGroups: [], scripts: [] });

test('a unicast instance leaving FAULT announces its own source address once', async () => {
  const w = new FakeWorld();
  w.addInterface('eth0', '192.168.50.1');
  w.addInterface('eth1', '192.168.51.1', false);
  const spec = instance('VI_1', 'eth0', ['192.168.50.10/24'], { unicastPeers: ['192.168.50.2'] }, { trackInterfaces: [{ ifname: 'eth1', weight: 0 }] });
  const engine = new VrrpEngine(cfg(spec), w.deps());
  try {
    await engine.start();
    await settle();
    assert.equal(engine.status().instances[0]!.state, 'FAULT');
    assert.deepEqual(w.announced, []);
    w.link('eth1', true);
    await settle();
    assert.equal(engine.status().instances[0]!.state, 'BACKUP');
    assert.deepEqual(w.announced, [{ ifname: 'eth0', addresses: ['192.168.50.1'] }]);
  } finally {
    await engine.stop();
  }
});

test('a multicast instance leaving FAULT announces nothing', async () => {
  const w = new FakeWorld();
  w.addInterface('eth0', '192.168.50.1');
  w.addInterface('eth1', '192.168.51.1', false);
  const spec = instance('VI_1', 'eth0', ['192.168.50.10/24'], {}, { trackInterfaces: [{ ifname: 'eth1', weight: 0 }] });
  const engine = new VrrpEngine(cfg(spec), w.deps());
  try {
    await engine.start();
    w.link('eth1', true);
    await settle();
    assert.equal(engine.status().instances[0]!.state, 'BACKUP');
    assert.deepEqual(w.announced, []);
  } finally {
    await engine.stop();
  }
});

test('vrrp_strict without accept and no blocker: reported once per instance, VIPs still taken', async () => {
  const w = new FakeWorld();
  w.addInterface('eth0', '192.168.50.1');
  w.addInterface('eth1', '192.168.51.1');
  const spec = instance('VI_1', 'eth0', ['192.168.50.10/24'], { priority: 255, startState: 'MASTER', strict: true, accept: false, version: 3, advertIntMs: 1000 },
    { trackInterfaces: [{ ifname: 'eth1', weight: 0 }] });
  const engine = new VrrpEngine(cfg(spec), w.deps());
  try {
    await engine.start();
    await settle();
    assert.equal(engine.status().instances[0]!.state, 'MASTER');
    w.link('eth1', false);
    w.link('eth1', true);
    await settle();
    assert.equal(engine.status().instances[0]!.state, 'MASTER', 'took the VIPs a second time');
    const reports = w.logs.filter((l) => l.level === 'warn' && /vrrp_strict without accept: no traffic blocker/.test(l.msg));
    assert.equal(reports.length, 1);
    assert.deepEqual(w.heldAddresses(), ['eth0 192.168.50.10/24']);
  } finally {
    await engine.stop();
  }
});

test('vrrp_strict without accept: the blocker drops traffic to the VIPs while MASTER, lifts it on leaving, closes on stop', async () => {
  const w = new FakeWorld();
  w.addInterface('eth0', '192.168.50.1');
  w.addInterface('eth1', '192.168.51.1');
  const calls: string[] = [];
  const blocker = {
    block: (a: string[]) => { calls.push(`block ${a.join(',')}`); },
    unblock: (a: string[]) => { calls.push(`unblock ${a.join(',')}`); },
    close: async () => { calls.push('close'); },
  };
  const spec = instance('VI_1', 'eth0', ['192.168.50.10/24'], { priority: 255, startState: 'MASTER', strict: true, accept: false, version: 3, advertIntMs: 1000 },
    { trackInterfaces: [{ ifname: 'eth1', weight: 0 }] });
  const engine = new VrrpEngine(cfg(spec), { ...w.deps(), blocker });
  try {
    await engine.start();
    await settle();
    assert.equal(engine.status().instances[0]!.state, 'MASTER');
    assert.deepEqual(calls, ['block 192.168.50.10']);
    w.link('eth1', false);
    await settle();
    assert.equal(engine.status().instances[0]!.state, 'FAULT');
    assert.deepEqual(calls, ['block 192.168.50.10', 'unblock 192.168.50.10']);
  } finally {
    await engine.stop();
  }
  assert.equal(calls.at(-1), 'close');
  assert.equal(w.logs.filter((l) => /no traffic blocker/.test(l.msg)).length, 0);
});
