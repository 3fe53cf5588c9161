import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpEngine } from '../../../src/vrrp/engine/engine.js';
import type { EngineConfig, EngineInstanceSpec } from '../../../src/vrrp/engine/engine-spec.js';
import { FakeWorld, instance, settle } from './fake-world.js';

const cfg = (...instances: EngineInstanceSpec[]): EngineConfig => ({ instances, syncGroups: [], scripts: [] });
const vi1 = instance('VI_1', 'eth0', ['192.168.50.10/24']);
const vi2 = instance('VI_2', 'eth1', ['192.168.51.10/24'], { vrid: 52 });

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

test('overlapping reloads apply in call order: the last configuration wins', async () => {
  const w = new FakeWorld();
  w.addInterface('eth0', '192.168.50.1');
  w.addInterface('eth1', '192.168.51.1');
  const engine = new VrrpEngine(cfg(vi1), w.deps());
  try {
    await engine.start();
    const slow = deferred();
    w.slowFacts.set('eth1', slow.promise);
    const first = engine.reload(cfg(vi1, vi2)); // waits on eth1's facts
    const second = engine.reload(cfg(vi1)); // VI_2 removed again
    await settle();
    slow.resolve();
    await Promise.all([first, second]);
    await settle();
    assert.deepEqual(engine.status().instances.map((i) => i.name), ['VI_1']);
    assert.deepEqual([...w.openChannels], ['eth0/ipv4']);
  } finally {
    await engine.stop();
  }
});

test('stop during a reload: the reload opens no socket and starts no instance on the stopped engine', async () => {
  const w = new FakeWorld();
  w.addInterface('eth0', '192.168.50.1');
  w.addInterface('eth1', '192.168.51.1');
  const engine = new VrrpEngine(cfg(vi1), w.deps());
  await engine.start();
  const slow = deferred();
  w.slowFacts.set('eth1', slow.promise);
  const reload = engine.reload(cfg(vi1, vi2));
  await settle();
  const stopped = engine.stop();
  slow.resolve();
  await Promise.allSettled([reload]);
  await stopped;
  await settle();
  assert.deepEqual([...w.openChannels], []);
  assert.equal(engine.status().instances.some((i) => i.name === 'VI_2'), false);
  assert.equal(w.opens, 1, 'only eth0 was ever opened');
});
