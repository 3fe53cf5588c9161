// keepalived's dont_track_primary: the instance's own interface going down is a FAULT by default,
// and with the flag it is not (other tracked interfaces still count).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpEngine } from '../../../src/vrrp/engine/engine.js';
import { FakeWorld, instance, settle } from './fake-world.js';

async function stateAfterLinkDown(dontTrackPrimary: boolean): Promise<{ state: string; reasons: string[] }> {
  const w = new FakeWorld();
  w.addInterface('eth0', '192.168.50.1');
  const engine = new VrrpEngine({
    instances: [instance('VI_1', 'eth0', ['192.168.50.10/24'], {}, dontTrackPrimary ? { dontTrackPrimary } : {})],
    syncGroups: [], scripts: [],
  }, w.deps());
  try {
    await engine.start();
    await settle();
    assert.equal(engine.status().instances[0]!.state, 'BACKUP');
    w.link('eth0', false);
    await settle();
    const vi = engine.status().instances[0]!;
    return { state: vi.state, reasons: vi.faultReasons };
  } finally {
    await engine.stop();
  }
}

test('dont_track_primary: the own interface going down is a FAULT only without the flag', async () => {
  assert.deepEqual(await stateAfterLinkDown(false), { state: 'FAULT', reasons: ['interface eth0 down'] });
  assert.deepEqual(await stateAfterLinkDown(true), { state: 'BACKUP', reasons: [] });
});
