// Properties of the virtual-server health machine under random probe-result sequences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { VirtualServerHealth } from '../../../src/check/fsm/vs-health.js';
import { rs, tcp, vs } from './spec-builders.js';

const arbScenario = fc.record({
  servers: fc.array(fc.record({ weight: fc.integer({ min: 0, max: 5 }), checkers: fc.integer({ min: 1, max: 3 }), inhibit: fc.boolean(), alpha: fc.boolean(), retry: fc.integer({ min: 0, max: 2 }) }), { minLength: 1, maxLength: 5 }),
  quorum: fc.integer({ min: 1, max: 8 }),
  hysteresisRaw: fc.integer({ min: 0, max: 7 }),
  sorry: fc.boolean(),
  steps: fc.array(fc.record({ server: fc.nat(), checker: fc.nat(), ok: fc.boolean() }), { maxLength: 80 }),
});

test('invariants hold after every probe result', () => {
  fc.assert(fc.property(arbScenario, (sc) => {
    const hysteresis = sc.hysteresisRaw % sc.quorum; // keepalived: hysteresis below quorum makes sense
    const spec = vs({
      quorum: sc.quorum, hysteresis,
      ...(sc.sorry ? { sorryServer: { address: '10.9.9.9', port: 80, weight: 1, inhibit: false } } : {}),
      realServers: sc.servers.map((s, i) => rs(`10.1.0.${i + 1}`, 80, {
        weight: s.weight, inhibitOnFailure: s.inhibit,
        checkers: Array.from({ length: s.checkers }, (_, j) => tcp(8000 + j, { alpha: s.alpha, retry: s.retry })),
      })),
    });
    const h = new VirtualServerHealth(spec);
    h.start();
    const check = (): void => {
      const sum = h.liveWeight();
      for (const r of h.servers.values()) assert.equal(r.alive, r.failed.size === 0, `${r.id}: alive iff no checker failing`);
      if (h.quorumUp) assert.ok(sum > 0 && sum >= sc.quorum - hysteresis, `quorum up with live weight ${sum}`);
      else assert.ok(sum < sc.quorum + hysteresis, `quorum down with live weight ${sum}`);
      assert.equal(h.sorryAlive, sc.sorry && !h.quorumUp, 'sorry server in exactly while quorum is down');
      for (const d of h.pool().destinations) {
        if (d.role === 'sorry') { assert.equal(h.sorryAlive, true); continue; }
        const r = [...h.servers.values()].find((x) => x.spec.address === d.address)!;
        if (d.weight > 0) assert.ok(r.alive, `${d.address} in the pool with weight while down`);
        if (h.sorryAlive) assert.equal(d.weight, 0, 'live servers stay out while the sorry server serves');
      }
    };
    check();
    const ids = [...h.servers.keys()];
    for (const st of sc.steps) {
      const id = ids[st.server % ids.length]!;
      const keys = [...h.servers.get(id)!.checkers.keys()];
      const wasUp = h.quorumUp;
      const out = h.onResult(id, keys[st.checker % keys.length]!, { ok: st.ok, reason: st.ok ? 'ok' : 'refused' });
      assert.ok(out.delayMs > 0);
      // keepalived's rule exactly: lose below quorum-hysteresis (or at 0), gain at quorum+hysteresis.
      const sum = h.liveWeight();
      const expectUp = wasUp ? !(sum === 0 || sum < sc.quorum - hysteresis) : sum >= sc.quorum + hysteresis;
      assert.equal(h.quorumUp, expectUp, `quorum ${wasUp ? 'up' : 'down'} → live weight ${sum}`);
      assert.equal(out.events.some((e) => e.kind === 'quorum-gained'), !wasUp && expectUp);
      assert.equal(out.events.some((e) => e.kind === 'quorum-lost'), wasUp && !expectUp);
      check();
    }
  }), { numRuns: 300 });
});
