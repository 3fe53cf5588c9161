// Property: any table the nft backend accepts goes into the kernel in one transaction and reads
// back identical — across a sequence of random tables in one namespace, so every transition
// (chains and persistence sets added, kept, deleted) is exercised too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NftBackend } from '../../../src/ipvs/backend-nft.js';
import { processRunner } from '../../../src/ipvs/command-runner.js';
import { diffTables } from '../../../src/ipvs/diff.js';
import { ipvsadmLine } from '../../../src/ipvs/ipvsadm-format.js';
import type { IpvsTable } from '../../../src/ipvs/table.js';
import { tableArb } from '../../unit/ipvs/table-arbitrary.js';
import { NetnsLab, rootSkipReason } from '../lib/netns.js';

const keys = (...ts: IpvsTable[]) => new Set(ts.flatMap((t) => [...t.services.keys()]));

test('property: nft backend round-trips random NAT tables through the kernel', { skip: rootSkipReason(), timeout: 120_000 }, async () => {
  const lab = new NetnsLab('ipvs');
  try {
    const ns = await lab.addNs('rt');
    const inconsistencies: string[] = [];
    const backend = new NftBackend({ run: processRunner(['ip', 'netns', 'exec', ns]), onInconsistency: (m) => inconsistencies.push(m) });
    await fc.assert(fc.asyncProperty(fc.array(tableArb({ nftOnly: true, maxServices: 4, maxDests: 4 }), { minLength: 1, maxLength: 3 }), async (tables) => {
      for (const want of tables) {
        const have = await backend.read();
        const changes = diffTables(want, have, keys(want, have));
        const r = await backend.apply(changes);
        const bad = r.outcomes.filter((o) => o.status !== 'ok').map((o) => `${o.status} ${ipvsadmLine(o.change)}: ${o.error}`);
        assert.deepEqual(bad, []);
        const back = await backend.read();
        assert.deepEqual(diffTables(want, back, keys(want, back)).map(ipvsadmLine), []);
        assert.deepEqual(diffTables(back, want, keys(want, back)).map(ipvsadmLine), []);
        assert.deepEqual(inconsistencies, []);
      }
    }), { numRuns: 60 });
  } finally {
    await lab.cleanup();
  }
});
