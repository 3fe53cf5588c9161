// What a reload changes on the interface for an instance that keeps running: keepalived's
// reload adds the new virtual addresses/routes/rules on a MASTER and deletes the ones the new
// config no longer has (on any state: a removed VIP must not stay behind on the interface).
// Pure: the engine turns the result into one batched change plus announcements.
import type { ObjectChange } from './address-batcher.js';
import type { EngineInstanceSpec } from './engine-spec.js';
import type { IpObject, VipEntry } from './ports.js';

const vipKey = (v: VipEntry): string => `${v.dev} ${v.cidr}`;
const objKey = (o: IpObject): string => `${o.family} ${o.words.join(' ')}`;

function minus<T>(a: readonly T[], b: readonly T[], key: (t: T) => string): T[] {
  const keep = new Set(b.map(key));
  return a.filter((x) => !keep.has(key(x)));
}

export interface ReloadAddressDiff {
  change: ObjectChange;
  /** Addresses newly taken (address part only), to announce with GARP/NA. */
  announce: string[];
}

/**
 * `master`: the instance holds its addresses (MASTER before and after the reload).
 * `heldElsewhere`: VIPs another MASTER instance of this engine still holds; they are not deleted.
 */
export function reloadAddressDiff(
  old: EngineInstanceSpec, next: EngineInstanceSpec, master: boolean, heldElsewhere: ReadonlySet<string> = new Set(),
): ReloadAddressDiff {
  const oldVips = [...old.vips, ...old.excludedVips];
  const newVips = [...next.vips, ...next.excludedVips];
  const delVips = minus(oldVips, newVips, vipKey).filter((v) => !heldElsewhere.has(vipKey(v)));
  const delRoutes = minus(old.routes ?? [], next.routes ?? [], objKey);
  const delRules = minus(old.rules ?? [], next.rules ?? [], objKey);
  if (!master) return { change: { delVips, delRoutes, delRules }, announce: [] };
  const addVips = minus(newVips, oldVips, vipKey);
  return {
    change: {
      addVips, delVips, delRoutes, delRules,
      addRoutes: minus(next.routes ?? [], old.routes ?? [], objKey),
      addRules: minus(next.rules ?? [], old.rules ?? [], objKey),
    },
    announce: addVips.map((v) => v.cidr.split('/')[0]!),
  };
}

export const heldVipKey = vipKey;

/** True when the diff changes nothing. */
export function isEmptyChange(c: ObjectChange): boolean {
  return Object.values(c).every((list) => ((list as unknown[] | undefined)?.length ?? 0) === 0);
}
