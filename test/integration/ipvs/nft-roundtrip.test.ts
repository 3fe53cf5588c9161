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
    const counting = new NftBackend({ run: (cmd, args, stdin) => { if (args.includes('list') && args.includes('table')) lists++; return run(cmd, args, stdin); } });
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
        assert.deepEqual(sorted(known.maps), sorted(want.services.size ? ['fwm', 'svc4', 'svc6'] : []), 'dispatch maps');
        assert.deepEqual(sorted(known.maps), sorted(back.maps), 'maps as the kernel lists them');
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

test('nft: a table in the older layout (one rule per service in `services`) is adopted by one whole rewrite, then changed service by service', { skip: rootSkipReason(), timeout: 60_000 }, async () => {
  const lab = new NetnsLab('ipvs');
  try {
    const ns = await lab.addNs('old');
    const run = processRunner(['ip', 'netns', 'exec', ns]);
    const scripts: string[] = [];
    const found: string[] = [];
    const backend = new NftBackend({ run: (cmd, args, stdin) => { if (stdin) scripts.push(stdin); return run(cmd, args, stdin); }, onInconsistency: (m) => found.push(m) });
    // What ka-ts wrote before the dispatch maps: the service's rule in `services` carried its comment.
    const old = [
      'add table inet kats',
      'add chain inet kats prerouting { type nat hook prerouting priority dstnat; policy accept; }',
      'add chain inet kats services',
      'add rule inet kats prerouting jump services',
      'add chain inet kats svc_0123456789',
      'add rule inet kats services ip daddr 192.0.2.1 meta l4proto tcp th dport 80 jump svc_0123456789 comment "-A -t 192.0.2.1:80 -s rr"',
    ].join('\n');
    assert.equal((await run('nft', ['-f', '-'], `${old}\n`)).code, 0);
    const have = await backend.read();
    assert.equal(have.services.size, 0, 'nothing of it reads as a service');
    assert.ok(found.length > 0, 'and that is reported');
    const svc = (port: number) => ({ id: { kind: 'addr' as const, family: 'inet' as const, protocol: 'tcp' as const, address: '192.0.2.1', port }, scheduler: 'rr' as const, ops: false, flags: [] });
    const dest = { address: '10.1.0.1', port: 80, method: 'masq' as const, weight: 1, upperThreshold: 0, lowerThreshold: 0 };
    let r = await backend.apply([{ op: 'add-service', service: svc(80) }, { op: 'add-dest', service: svc(80).id, dest }]);
    assert.deepEqual(r.outcomes.map((o) => o.status), ['ok', 'ok']);
    assert.ok(scripts.at(-1)!.startsWith('add table'), 'adopted with one whole rewrite');
    r = await backend.apply([{ op: 'add-service', service: svc(443) }]);
    assert.deepEqual(r.outcomes.map((o) => o.status), ['ok']);
    assert.ok(!scripts.at(-1)!.includes('add table') && scripts.at(-1)!.includes('add element inet kats svc4 { 192.0.2.1 . tcp . 443 : jump '), 'a new service: its chain and one element');
    r = await backend.apply([{ op: 'delete-service', service: svc(80) }]);
    assert.deepEqual(r.outcomes.map((o) => o.status), ['ok']);
    assert.ok(scripts.at(-1)!.startsWith('delete element inet kats svc4 { 192.0.2.1 . tcp . 80 }'), 'a service gone: its element first, then its chains');
    found.length = 0;
    const back = await new NftBackend({ run, onInconsistency: (m) => found.push(m) }).readRaw();
    assert.deepEqual([...back.table.services.keys()], ['-t 192.0.2.1:443']);
    assert.deepEqual(found, []);
    assert.ok(!back.chains.includes('svc_0123456789'), 'the old chain is gone');
  } finally {
    await lab.cleanup();
  }
});
