// Transactions sized by the change, and the table they leave: the nft backend keeps that table in
// memory instead of listing it again, so `after` must be exactly what the kernel then holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { diffTables, withChanges } from '../../../src/ipvs/diff.js';
import { ipvsadmLine } from '../../../src/ipvs/ipvsadm-format.js';
import { addDispatch, deleteDispatch, destChain, nftObjects, serviceChain } from '../../../src/ipvs/nft-ruleset.js';
import { nftServicesTransaction, planNftTransaction, type NftExisting } from '../../../src/ipvs/nft-transaction.js';
import { destKey, serviceKey, type Destination, type IpvsTable, type Service } from '../../../src/ipvs/table.js';
import { tableArb } from './table-arbitrary.js';

function svc(port: number): Service {
  return { id: { kind: 'addr', family: 'inet', protocol: 'tcp', address: '10.0.0.1', port }, scheduler: 'wrr', ops: false, flags: [] };
}
function dest(last: number, weight: number): Destination {
  return { address: `10.0.1.${last}`, port: 80, method: 'masq', weight, upperThreshold: 0, lowerThreshold: 0 };
}
function table(entries: Array<[Service, Destination[]]>): IpvsTable {
  return { services: new Map(entries.map(([s, ds]) => [serviceKey(s.id), { service: s, dests: new Map(ds.map((d) => [destKey(d), d])) }])) };
}
const sorted = (o: NftExisting) => ({ chains: [...o.chains].sort(), sets: [...o.sets].sort(), maps: [...o.maps].sort() });
const NONE: NftExisting = { chains: [], sets: [], maps: [] };
const baseOf = (t: IpvsTable, existing: NftExisting) => ({ ...existing, table: t, inconsistencies: [] });
const keys = (...ts: IpvsTable[]) => new Set(ts.flatMap((t) => [...t.services.keys()]));
const lines = (t: IpvsTable) => diffTables(t, { services: new Map() }, new Set()).map(ipvsadmLine);

test('a destination change rewrites only the chains of its service', () => {
  const a = svc(80);
  const b = svc(443);
  const before = table([[a, [dest(1, 1), dest(2, 1), dest(3, 1)]], [b, [dest(1, 1)]]]);
  const after = table([[a, [dest(1, 3), dest(2, 1)]], [b, [dest(1, 1)]]]);
  const existing = nftObjects(before);
  const ka = serviceKey(a.id);
  const tx = nftServicesTransaction(after, before, existing, new Set([ka]));
  const ls = tx.script.trim().split('\n');
  // Service b and the shared chains are untouched.
  assert.ok(!tx.script.includes(serviceChain(serviceKey(b.id))), 'other services are not touched');
  assert.ok(!/ services /.test(tx.script) && !tx.script.includes('prerouting') && !tx.script.includes('element'), 'the services / hook chains and the dispatch maps are not touched');
  // a's chains are flushed, the removed destination's chain deleted, the rest rebuilt.
  assert.ok(ls.includes(`flush chain inet kats ${serviceChain(ka)}`));
  assert.ok(ls.includes(`delete chain inet kats ${destChain(ka, destKey(dest(3, 1)))}`));
  assert.ok(ls.some((l) => l.startsWith(`add rule inet kats ${serviceChain(ka)} `) && l.includes('numgen inc mod 4')), 'wrr 3:1 → 4 slots');
  assert.deepEqual(sorted(tx.after), sorted(nftObjects(after)), 'the removed destination chain is gone from the model too');
  assert.deepEqual(nftServicesTransaction(after, before, existing, new Set()), { script: '', after: existing });
});

test('withChanges leaves its input alone and shares the services it does not touch', () => {
  const a = svc(80);
  const b = svc(443);
  const before = table([[a, [dest(1, 1), dest(2, 1)]], [b, [dest(1, 1)]]]);
  const was = lines(before);
  const next = withChanges(before, [{ op: 'edit-dest', service: a.id, dest: dest(1, 5), previous: dest(1, 1) }]);
  assert.deepEqual(lines(before), was);
  assert.equal(next.services.get(serviceKey(a.id))?.dests.get('10.0.1.1:80')?.weight, 5);
  assert.equal(next.services.get(serviceKey(b.id)), before.services.get(serviceKey(b.id)), 'untouched entry shared');
});

/** `t` with each service's destinations replaced by those of some service of `o` (same services, other destinations). */
const destsSwapped = fc.tuple(tableArb({ nftOnly: true, maxServices: 5, maxDests: 4 }), tableArb({ nftOnly: true, maxServices: 5, maxDests: 4 }), fc.nat())
  .map(([t, o, pick]) => {
    const others = [...o.services.values()];
    const next: IpvsTable = { services: new Map() };
    let i = pick;
    for (const [k, e] of t.services) next.services.set(k, { service: e.service, dests: others.length ? others[i++ % others.length]!.dests : new Map() });
    return [t, next] as const;
  });

test('property: destination-only changes → a per-service transaction whose `after` is exactly the new table\'s chains and sets', () => {
  fc.assert(fc.property(destsSwapped, ([have, want]) => {
    const changes = diffTables(want, have, keys(want, have));
    const was = lines(have);
    const model = withChanges(have, changes);
    assert.deepEqual(lines(have), was, 'the known table is not modified');
    assert.deepEqual(diffTables(want, model, keys(want, model)), []);
    const tx = planNftTransaction(model, baseOf(have, nftObjects(have)), changes);
    if (changes.length > 0 && model.services.size > 0) assert.ok(!tx.script.includes('add table'), 'not a whole-table rewrite');
    assert.deepEqual(sorted(tx.after), model.services.size ? sorted(nftObjects(want)) : sorted(nftObjects(have)));
  }), { numRuns: 300 });
});

test('property: any change → `after` is exactly the new table\'s chains, sets and maps; only a missing table is written whole', () => {
  fc.assert(fc.property(tableArb({ nftOnly: true }), tableArb({ nftOnly: true }), (have, want) => {
    const changes = diffTables(want, have, keys(want, have));
    const model = withChanges(have, changes);
    assert.deepEqual(diffTables(want, model, keys(want, model)), []);
    const existing = have.services.size ? nftObjects(have) : NONE;
    const tx = planNftTransaction(model, baseOf(have, existing), changes);
    const expect = want.services.size ? nftObjects(want) : changes.length ? NONE : existing;
    assert.deepEqual(sorted(tx.after), sorted(expect));
    if (have.services.size > 0 && want.services.size > 0) assert.ok(!tx.script.includes('add table'), 'services come and go without a whole-table rewrite');
    // Every service that went has its dispatch element deleted, every new one gets one.
    for (const k of have.services.keys()) if (!want.services.has(k) && want.services.size > 0) assert.ok(tx.script.includes(deleteDispatch(have.services.get(k)!.service.id)), k);
    for (const k of want.services.keys()) if (!have.services.has(k)) assert.ok(tx.script.includes(addDispatch(k, want.services.get(k)!.service.id)), k);
  }), { numRuns: 300 });
});

test('a table that did not read back whole, or has no dispatch maps (an older layout), is rewritten whole', () => {
  const a = svc(80);
  const have = table([[a, [dest(1, 1)]]]);
  const want = table([[a, [dest(1, 2)]]]);
  const changes = diffTables(want, have, keys(want, have));
  const model = withChanges(have, changes);
  assert.ok(!planNftTransaction(model, baseOf(have, nftObjects(have)), changes).script.includes('add table'));
  assert.ok(planNftTransaction(model, { ...baseOf(have, nftObjects(have)), inconsistencies: ['x'] }, changes).script.startsWith('add table'));
  assert.ok(planNftTransaction(model, baseOf(have, { ...nftObjects(have), maps: [] }), changes).script.startsWith('add table'));
});
