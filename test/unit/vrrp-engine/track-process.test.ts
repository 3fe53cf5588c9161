// The engine with a vrrp_track_process on this very test process (always running, read from the
// real /proc): the instance runs while the quorum holds, and a reload that points the definition at
// a program nobody runs puts it in FAULT, which a recount alone would never report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { VrrpEngine } from '../../../src/vrrp/engine/engine.js';
import type { EngineConfig } from '../../../src/vrrp/engine/engine-spec.js';
import { FakeWorld, instance, settle } from './fake-world.js';

const ownComm = (): string => { const s = readFileSync('/proc/self/stat', 'latin1'); return s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')); };

const cfg = (process: string): EngineConfig => ({
  instances: [instance('VI_1', 'eth0', ['192.168.50.10/24'], {}, { trackProcesses: [{ name: 'me', weight: 0 }] })],
  syncGroups: [],
  scripts: [],
  processes: [{ name: 'me', process, fullCommand: false, quorum: 1, forkDelayMs: 0, terminateDelayMs: 0 }],
});

test('track_process in the engine: quorum at start, lost and regained through reloads', async () => {
  const w = new FakeWorld();
  w.addInterface('eth0', '192.168.50.1');
  const engine = new VrrpEngine(cfg(ownComm()), w.deps());
  const vi = () => engine.status().instances[0]!;
  try {
    await engine.start();
    await settle();
    assert.equal(vi().state, 'BACKUP');
    const p = engine.status().processes[0]!;
    assert.ok(p.quorum && p.processes >= 1, JSON.stringify(p));

    await engine.reload(cfg('kt-nobody-runs'));
    await settle();
    assert.equal(vi().state, 'FAULT');
    assert.deepEqual(vi().faultReasons, ['tracked process me quorum not achieved']);

    await engine.reload(cfg(ownComm()));
    await settle();
    assert.equal(vi().state, 'BACKUP');
    assert.deepEqual(vi().faultReasons, []);
  } finally {
    await engine.stop();
  }
});
