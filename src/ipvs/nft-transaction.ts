// The `nft -f -` transactions that change the table ka-ts owns (pure). Each comes with the chains
// and sets the table holds once it has committed: an nft transaction is atomic, so after exit 0
// the backend knows the resulting table without listing it again (`nft -j list table` is what
// costs seconds at thousands of services).
//   - whole table: flush and rewrite every chain (services added, removed or edited);
//   - some services: flush and rewrite only their chains (destination changes: health, weights),
//     sized by the change, not by the table;
//   - delete the table (nothing left to balance).
import type { Change } from './changes.js';
import { byKey, nftObjects, ownerHash, serviceBody, serviceChain, serviceHash, serviceObjects, serviceRule, T } from './nft-ruleset.js';
import { serviceKey, type IpvsTable } from './table.js';

/** Names of the chains and sets in the owned table. */
export interface NftExisting {
  chains: readonly string[];
  sets: readonly string[];
}

export interface NftTransaction {
  /** The `nft -f -` input; empty when nothing has to change. */
  script: string;
  /** The table's chains and sets once the script has committed. */
  after: NftExisting;
}

const text = (L: string[]): string => (L.length > 0 ? `${L.join('\n')}\n` : '');

/** Makes the owned table equal to `table`, whatever it holds now. */
export function nftTableTransaction(table: IpvsTable, existing: NftExisting): NftTransaction {
  const want = nftObjects(table);
  // Sets, not arrays: existing × wanted names is 25,000² comparisons at 5,000 services.
  const wantChains = new Set(want.chains);
  const wantSets = new Set(want.sets);
  const L: string[] = [];
  L.push(`add table ${T}`);
  L.push(`add chain ${T} prerouting { type nat hook prerouting priority dstnat; policy accept; }`);
  L.push(`add chain ${T} output { type nat hook output priority -100; policy accept; }`);
  L.push(`add chain ${T} services`);
  for (const c of existing.chains) L.push(`flush chain ${T} ${c}`);
  for (const c of existing.chains) if (!wantChains.has(c)) L.push(`delete chain ${T} ${c}`);
  for (const s of existing.sets) if (!wantSets.has(s)) L.push(`delete set ${T} ${s}`);
  L.push(`add rule ${T} prerouting jump services`);
  L.push(`add rule ${T} output jump services`);
  for (const [skey, e] of [...table.services].sort(byKey)) {
    serviceBody(skey, e, L);
    L.push(serviceRule(skey, e));
  }
  return { script: text(L), after: want };
}

/**
 * Rewrites only the chains of the services in `only` (their destinations changed; the services
 * themselves and the `services` chain did not): a weight change on a 5,000-service director
 * rewrites one service. Persistence sets that stay are kept, as in the whole-table transaction.
 */
export function nftServicesTransaction(table: IpvsTable, existing: NftExisting, only: ReadonlySet<string>): NftTransaction {
  const touched = new Map<string, string>(); // service hash → service key
  for (const skey of only) if (table.services.has(skey)) touched.set(serviceHash(skey), skey);
  // The existing chains and sets of each touched service, found by the hash in their names.
  const ownChains = new Map<string, string[]>();
  const ownSets = new Map<string, string[]>();
  const keptChains: string[] = [];
  const keptSets: string[] = [];
  const sortOut = (names: readonly string[], own: Map<string, string[]>, kept: string[]): void => {
    for (const n of names) {
      const owner = ownerHash(n);
      if (owner === undefined || !touched.has(owner)) { kept.push(n); continue; }
      const list = own.get(owner);
      if (list) list.push(n);
      else own.set(owner, [n]);
    }
  };
  sortOut(existing.chains, ownChains, keptChains);
  sortOut(existing.sets, ownSets, keptSets);

  const L: string[] = [];
  const after = { chains: keptChains, sets: keptSets };
  for (const [hash, skey] of [...touched].sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const e = table.services.get(skey);
    if (!e) continue;
    const want = serviceObjects(skey, e);
    const wantChains = new Set(want.chains);
    const wantSets = new Set(want.sets);
    const sc = serviceChain(skey);
    const chains = ownChains.get(hash) ?? [];
    for (const c of chains) L.push(`flush chain ${T} ${c}`);
    for (const c of chains) if (c !== sc && !wantChains.has(c)) L.push(`delete chain ${T} ${c}`);
    for (const x of ownSets.get(hash) ?? []) if (!wantSets.has(x)) L.push(`delete set ${T} ${x}`);
    serviceBody(skey, e, L);
    after.chains.push(...want.chains);
    after.sets.push(...want.sets);
  }
  return { script: text(L), after };
}

/** Removes the whole owned table. */
export function nftDeleteTableTransaction(): NftTransaction {
  return { script: `delete table ${T}\n`, after: { chains: [], sets: [] } };
}

const DEST_OPS: ReadonlySet<Change['op']> = new Set(['add-dest', 'edit-dest', 'delete-dest']);

/**
 * The transaction that takes the table from `existing` to `model` (= the last known table with
 * `accepted` applied): destination changes only → just the services they touch; nothing left →
 * delete the table; anything else → the whole table.
 */
export function planNftTransaction(model: IpvsTable, existing: NftExisting, accepted: readonly Change[]): NftTransaction {
  const unchanged = { script: '', after: existing };
  if (accepted.length === 0) return unchanged;
  if (model.services.size === 0) return existing.chains.length > 0 ? nftDeleteTableTransaction() : unchanged;
  if (existing.chains.length > 0 && accepted.every((c) => DEST_OPS.has(c.op))) {
    const touched = new Set(accepted.map((c) => ('dest' in c ? serviceKey(c.service) : '')));
    return nftServicesTransaction(model, existing, touched);
  }
  return nftTableTransaction(model, existing);
}
