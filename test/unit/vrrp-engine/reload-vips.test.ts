import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpEngine } from '../../../src/vrrp/engine/engine.js';
import type { EngineConfig, EngineInstanceSpec } from '../../../src/vrrp/engine/engine-spec.js';
import { FakeWorld, instance, settle } from './fake-world.js';

const owner = (vips: string[], extra: Partial<EngineInstanceSpec> = {}): EngineInstanceSpec =>
  instance('VI_1', 'eth0', vips, { priority: 255, startState: 'MASTER' }, extra);
const cfg = (...instances: EngineInstanceSpec[]): EngineConfig => ({ instances, syncGroups: [], scripts: [] });

test('reload on a MASTER: removed VIPs are deleted, added ones added in one batch and announced', async () => {
  const w = new FakeWorld();
  w.addInterface('eth0', '192.168.50.1');
  const engine = new VrrpEngine(cfg(owner(['192.168.50.10/24', '192.168.50.11/24'])), w.deps());
  try {
    await engine.start();
    await settle();
    assert.equal(engine.status().instances[0]!.state, 'MASTER');
    assert.deepEqual(w.heldAddresses(), ['eth0 192.168.50.10/24', 'eth0 192.168.50.11/24']);
    const batchesBefore = w.batches.length;
    w.announced.length = 0;
    await engine.reload(cfg(owner(['192.168.50.10/24', '192.168.50.12/24'], {
      excludedVips: [{ cidr: '192.168.60.5/24', dev: 'eth0' }],
      routes: [{ family: 'ipv4', words: ['10.9.0.0/16', 'via', '192.168.50.254'] }],
    })));
    await settle();
    assert.equal(engine.status().instances[0]!.state, 'MASTER');
    assert.equal(w.batches.length, batchesBefore + 1, 'one batched change');
    const b = w.batches.at(-1)!;
    assert.deepEqual((b.addAddresses ?? []).map((v) => v.cidr).sort(), ['192.168.50.12/24', '192.168.60.5/24']);
    assert.deepEqual((b.removeAddresses ?? []).map((v) => v.cidr), ['192.168.50.11/24']);
    assert.deepEqual((b.addRoutes ?? []).map((r) => r.words.join(' ')), ['10.9.0.0/16 via 192.168.50.254']);
    assert.deepEqual(w.heldAddresses(), ['eth0 192.168.50.10/24', 'eth0 192.168.50.12/24', 'eth0 192.168.60.5/24']);
    const announced = w.announced.flatMap((a) => a.addresses).sort();
    assert.deepEqual([...new Set(announced)], ['192.168.50.12', '192.168.60.5'], 'GARP only for the added addresses');
    // Leaving MASTER later releases what the new config holds (nothing stranded).
    await engine.stop();
    assert.deepEqual(w.heldAddresses(), []);
  } finally {
    await engine.stop();
  }
});

test('reload on a BACKUP: nothing is added, VIPs removed from the config are deleted', async () => {
  const w = new FakeWorld();
  w.addInterface('eth0', '192.168.50.1');
  const backup = (vips: string[]) => instance('VI_1', 'eth0', vips, { priority: 100 });
  const engine = new VrrpEngine(cfg(backup(['192.168.50.10/24', '192.168.50.11/24'])), w.deps());
  try {
    await engine.start();
    await settle();
    assert.equal(engine.status().instances[0]!.state, 'BACKUP');
    const batchesBefore = w.batches.length;
    await engine.reload(cfg(backup(['192.168.50.10/24', '192.168.50.12/24'])));
    await settle();
    assert.equal(w.batches.length, batchesBefore + 1);
    const b = w.batches.at(-1)!;
    assert.deepEqual(b.addAddresses ?? [], []);
    assert.deepEqual((b.removeAddresses ?? []).map((v) => v.cidr), ['192.168.50.11/24']);
    assert.equal(w.announced.length, 0);
  } finally {
    await engine.stop();
  }
});
