// Property: any table the nft backend accepts goes into the kernel in one transaction and reads
// back identical — across a sequence of random tables in one namespace, so every transition
// (chains and persistence sets added, kept, deleted) is exercised too. The backend does not list
// the table between changes (it keeps the table it knows in memory), so a second backend lists it
// after each one: what the kernel holds must be what the first one believes, chains and sets included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NftBackend } from '../../../src/ipvs/backend-nft.js';
import { processRunner } from '../../../src/ipvs/command-runner.js';
import { diffTables } from '../../../src/ipvs/diff.js';
import { ipvsadmLine } from '../../../src/ipvs/ipvsadm-format.js';
import { destKey, serviceKey, type IpvsTable } from '../../../src/ipvs/table.js';
import { tableArb } from '../../unit/ipvs/table-arbitrary.js';
import { NetnsLab, rootSkipReason } from '../lib/netns.js';

const keys = (...ts: IpvsTable[]) => new Set(ts.flatMap((t) => [...t.services.keys()]));

test('property: nft backend round-trips random NAT tables through the kernel', { skip: rootSkipReason(), timeout: 120_000 }, async () => {
  const lab = new NetnsLab('ipvs');
  try {
    const ns = await lab.addNs('rt');
    const inconsistencies: string[] = [];
    const run = processRunner(['ip', 'netns', 'exec', ns]);
    const backend = new NftBackend({ run, onInconsistency: (m) => inconsistencies.push(m) });
    const probe = new NftBackend({ run, onInconsistency: (m) => inconsistencies.push(m) });
    const sorted = (xs: readonly string[]) => [...xs].sort();
    let lists = 0;
    const counting = new NftBackend({ run: (cmd, args, stdin) => { if (args.includes('list')) lists++; return run(cmd, args, stdin); } });
    await fc.assert(fc.asyncProperty(fc.array(tableArb({ nftOnly: true, maxServices: 4, maxDests: 4 }), { minLength: 1, maxLength: 3 }), async (tables) => {
      for (const want of tables) {
        const have = backend.known()?.table ?? await backend.read();
        const changes = diffTables(want, have, keys(want, have));
        const r = await backend.apply(changes);
        const bad = r.outcomes.filter((o) => o.status !== 'ok').map((o) => `${o.status} ${ipvsadmLine(o.change)}: ${o.error}`);
        assert.deepEqual(bad, []);
        const known = backend.known();
        assert.ok(known, 'a committed transaction leaves the backend knowing the table');
        const back = await probe.readRaw();
        assert.deepEqual(diffTables(want, back.table, keys(want, back.table)).map(ipvsadmLine), []);
        assert.deepEqual(diffTables(back.table, want, keys(want, back.table)).map(ipvsadmLine), []);
        assert.deepEqual(sorted(known.chains), sorted(back.chains), 'chains as the kernel lists them');
        assert.deepEqual(sorted(known.sets), sorted(back.sets), 'sets as the kernel lists them');
        assert.deepEqual(inconsistencies, []);
      }
    }), { numRuns: 60 });
    // The same backend type, counted: one listing, then changes without any.
    const t0 = (await probe.readRaw()).table;
    await counting.read();
    const e = [...t0.services.values()].find((x) => x.dests.size > 0);
    if (e) {
      const d = [...e.dests.values()][0]!;
      for (const w of [d.weight + 1, d.weight + 2]) {
        const r = await counting.apply([{ op: 'edit-dest', service: e.service.id, dest: { ...d, weight: w }, previous: d }]);
        assert.deepEqual(r.outcomes.map((o) => o.status), ['ok']);
      }
      assert.equal(lists, 1, 'changes after a read do not list the table again');
      assert.equal((await probe.read()).services.get(serviceKey(e.service.id))?.dests.get(destKey(d))?.weight, d.weight + 2);
    }
  } finally {
    await lab.cleanup();
  }
});
