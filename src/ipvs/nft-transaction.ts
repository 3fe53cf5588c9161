// The `nft -f -` transactions that change the table ka-ts owns (pure). Each comes with the chains
// and sets the table holds once it has committed: an nft transaction is atomic, so after exit 0
// the backend knows the resulting table without listing it again (`nft -j list table` is what
// costs seconds at thousands of services).
//   - whole table: flush and rewrite every chain and dispatch map (first use, a table that did
//     not read back consistently, or one in an older layout);
//   - some services: rewrite only the chains of the services a batch touches, and add or delete
//     their dispatch elements — sized by the change, not by the table, whether destinations
//     changed (health, weights) or services came and went;
//   - delete the table (nothing left to balance).
import type { Change } from './changes.js';
import { addDispatch, byKey, deleteDispatch, DISPATCH_MAP_NAMES, DISPATCH_MAPS, DISPATCH_RULES, nftObjects, ownerHash, serviceBody, serviceChain, serviceHash, serviceObjects, T } from './nft-ruleset.js';
import { serviceKey, type IpvsTable, type ServiceId } from './table.js';

/** Names of the chains, sets and dispatch maps in the owned table. */
export interface NftExisting {
  chains: readonly string[];
  sets: readonly string[];
  maps: readonly string[];
}

export interface NftTransaction {
  /** The `nft -f -` input; empty when nothing has to change. */
  script: string;
  /** The table's chains, sets and maps once the script has committed. */
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
  // The maps are emptied before any chain goes: a chain a map element jumps to cannot be deleted.
  for (const m of DISPATCH_MAP_NAMES) L.push(`add map ${T} ${m} { type ${DISPATCH_MAPS[m]} : verdict; }`);
  for (const m of DISPATCH_MAP_NAMES) L.push(`flush map ${T} ${m}`);
  for (const c of existing.chains) L.push(`flush chain ${T} ${c}`);
  for (const c of existing.chains) if (!wantChains.has(c)) L.push(`delete chain ${T} ${c}`);
  for (const s of existing.sets) if (!wantSets.has(s)) L.push(`delete set ${T} ${s}`);
  L.push(`add rule ${T} prerouting jump services`);
  L.push(`add rule ${T} output jump services`);
  for (const r of DISPATCH_RULES) L.push(`add rule ${T} services ${r}`);
  for (const [skey, e] of [...table.services].sort(byKey)) {
    serviceBody(skey, e, L);
    L.push(addDispatch(skey, e.service.id));
  }
  return { script: text(L), after: want };
}

/**
 * Rewrites only the services in `only`: each one still in `table` gets its chains rewritten (and
 * a dispatch element if `before` did not have it); each one gone loses its element, chains and
 * sets. A weight change or a new service on a 5,000-service director touches one service.
 * Persistence sets that stay are kept, as in the whole-table transaction.
 */
export function nftServicesTransaction(table: IpvsTable, before: IpvsTable, existing: NftExisting, only: ReadonlySet<string>): NftTransaction {
  const touched = new Map<string, string>(); // service hash → service key
  for (const skey of only) if (table.services.has(skey) || before.services.has(skey)) touched.set(serviceHash(skey), skey);
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
  const after = { chains: keptChains, sets: keptSets, maps: [...existing.maps] };
  for (const [hash, skey] of [...touched].sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const e = table.services.get(skey);
    const was = before.services.get(skey);
    const chains = ownChains.get(hash) ?? [];
    const sets = ownSets.get(hash) ?? [];
    if (!e) {
      // Gone: its element first (the chain it jumps to cannot go while it is there), then the rest.
      if (was) L.push(deleteDispatch(was.service.id as ServiceId));
      for (const c of chains) L.push(`flush chain ${T} ${c}`);
      for (const c of chains) L.push(`delete chain ${T} ${c}`);
      for (const x of sets) L.push(`delete set ${T} ${x}`);
      continue;
    }
    const want = serviceObjects(skey, e);
    const wantChains = new Set(want.chains);
    const wantSets = new Set(want.sets);
    const sc = serviceChain(skey);
    for (const c of chains) L.push(`flush chain ${T} ${c}`);
    for (const c of chains) if (c !== sc && !wantChains.has(c)) L.push(`delete chain ${T} ${c}`);
    for (const x of sets) if (!wantSets.has(x)) L.push(`delete set ${T} ${x}`);
    serviceBody(skey, e, L);
    if (!was) L.push(addDispatch(skey, e.service.id));
    after.chains.push(...want.chains);
    after.sets.push(...want.sets);
  }
  return { script: text(L), after };
}

/** Removes the whole owned table. */
export function nftDeleteTableTransaction(): NftTransaction {
  return { script: `delete table ${T}\n`, after: { chains: [], sets: [], maps: [] } };
}

/** The service a change belongs to. */
function changedService(c: Change): string | undefined {
  switch (c.op) {
    case 'add-service':
    case 'edit-service':
    case 'delete-service':
      return serviceKey(c.service.id);
    case 'add-dest':
    case 'edit-dest':
    case 'delete-dest':
      return serviceKey(c.service);
    default:
      return undefined;
  }
}

/** What the backend knows of the table before a batch: its contents and object names, and whether it read back whole. */
export interface NftBase extends NftExisting {
  table: IpvsTable;
  inconsistencies: readonly string[];
}

/**
 * The transaction that takes the table from `base` to `model` (= base.table with `accepted`
 * applied): nothing left → delete the table; a table that is missing, in another layout or did
 * not read back consistently → the whole table; otherwise just the services the batch touches.
 */
export function planNftTransaction(model: IpvsTable, base: NftBase, accepted: readonly Change[]): NftTransaction {
  const unchanged = { script: '', after: { chains: base.chains, sets: base.sets, maps: base.maps } };
  if (accepted.length === 0) return unchanged;
  if (model.services.size === 0) return base.chains.length > 0 ? nftDeleteTableTransaction() : unchanged;
  const layoutOk = base.chains.length > 0 && DISPATCH_MAP_NAMES.every((m) => base.maps.includes(m));
  if (!layoutOk || base.inconsistencies.length > 0) return nftTableTransaction(model, base);
  const touched = new Set<string>();
  for (const c of accepted) {
    const k = changedService(c);
    if (k !== undefined) touched.add(k);
  }
  return nftServicesTransaction(model, base.table, base, touched);
}
