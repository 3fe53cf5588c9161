// `nft -j list table inet kats` (and its dispatch maps, listed apart: `-t` leaves out elements)
// → the IPVS table it implements. Service and destination settings come from the rule comments
// ka-ts writes (ipvsadm syntax); the structure is checked against them: the service's dispatch
// element must jump to the service's chain, the destination chain must DNAT to the destination,
// and a destination with weight > 0 must be reachable from the scheduler's vmap. Anything that
// does not add up is left out of the result and reported, so the reconciler rewrites it.
import { IpvsParseError } from './errors.js';
import { parseIpvsadmDestLine, parseIpvsadmSave, parseHostPort } from './ipvsadm-parse.js';
import { canonicalAddress } from './address.js';
import { destChainOf, DISPATCH_MAP_NAMES, dispatchOf, NFT_TABLE, serviceChain } from './nft-ruleset.js';
import { destKey, serviceKey, type IpvsTable } from './table.js';

interface NftRule { chain: string; comment?: string; expr: unknown[] }

export interface NftReadResult {
  table: IpvsTable;
  chains: string[];
  sets: string[];
  /** The dispatch maps present. */
  maps: string[];
  /** Entries left out because the ruleset did not match its comments. */
  inconsistencies: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Chains a rule's vmap jumps to. */
function vmapTargets(expr: unknown[]): string[] {
  const out: string[] = [];
  for (const e of expr) {
    if (!isObj(e) || !isObj(e.vmap) || !isObj(e.vmap.data) || !Array.isArray(e.vmap.data.set)) continue;
    for (const pair of e.vmap.data.set) {
      const verdict = Array.isArray(pair) ? pair[1] : undefined;
      if (isObj(verdict) && isObj(verdict.jump) && typeof verdict.jump.target === 'string') out.push(verdict.jump.target);
    }
  }
  return out;
}

function dnatOf(expr: unknown[]): { address: string; port: number } | undefined {
  for (const e of expr) {
    if (isObj(e) && isObj(e.dnat) && typeof e.dnat.addr === 'string') {
      return { address: e.dnat.addr, port: typeof e.dnat.port === 'number' ? e.dnat.port : 0 };
    }
  }
  return undefined;
}

const PROTOCOL_NAMES: Record<number, string> = { 6: 'tcp', 17: 'udp', 132: 'sctp' };
const NFPROTO_NAMES: Record<number, string> = { 2: 'ipv4', 10: 'ipv6' };

/** A dispatch element's key as dispatchOf() writes it, from nft's JSON (numbers or names, any address form). */
function elementKey(map: string, key: unknown): string | undefined {
  const parts = isObj(key) && Array.isArray(key.concat) ? key.concat : undefined;
  if (!parts) return undefined;
  if (map === 'fwm' && parts.length === 2) {
    const proto = typeof parts[0] === 'number' ? NFPROTO_NAMES[parts[0]] : parts[0];
    return typeof proto === 'string' && typeof parts[1] === 'number' ? `${proto} . ${parts[1]}` : undefined;
  }
  if (parts.length !== 3 || typeof parts[0] !== 'string' || typeof parts[2] !== 'number') return undefined;
  const address = canonicalAddress(parts[0]);
  const proto = typeof parts[1] === 'number' ? PROTOCOL_NAMES[parts[1]] : parts[1];
  return address && typeof proto === 'string' ? `${address} . ${proto} . ${parts[2]}` : undefined;
}

function itemsOf(text: string): unknown[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new IpvsParseError('nft -j list table', 1, text.slice(0, 80), `not JSON (${(e as Error).message})`);
  }
  const items = isObj(doc) && Array.isArray(doc.nftables) ? doc.nftables : undefined;
  if (!items) throw new IpvsParseError('nft -j list table', 1, text.slice(0, 80), 'no "nftables" array');
  return items;
}

/** `texts`: the table's listing, then (optionally) listings of its dispatch maps with their elements. */
export function parseNftJson(...texts: string[]): NftReadResult {
  const items = texts.flatMap(itemsOf);
  const chains: string[] = [];
  const sets: string[] = [];
  const maps = new Set<string>();
  /** "map|element key" → the chain the element jumps to. */
  const dispatch = new Map<string, string>();
  // Indexed as they come, so that reading a table of thousands of services stays linear.
  const rulesByChain = new Map<string, NftRule[]>();
  for (const it of items) {
    if (!isObj(it)) continue;
    if (isObj(it.rule)) {
      const rule = it.rule;
      if (rule.table !== NFT_TABLE || typeof rule.chain !== 'string' || !Array.isArray(rule.expr)) continue;
      const r: NftRule = { chain: rule.chain, expr: rule.expr };
      if (typeof rule.comment === 'string') r.comment = rule.comment;
      const list = rulesByChain.get(r.chain);
      if (list) list.push(r);
      else rulesByChain.set(r.chain, [r]);
    } else if (isObj(it.chain)) {
      if (it.chain.table === NFT_TABLE && typeof it.chain.name === 'string') chains.push(it.chain.name);
    } else if (isObj(it.set)) {
      if (it.set.table === NFT_TABLE && typeof it.set.name === 'string') sets.push(it.set.name);
    } else if (isObj(it.map)) {
      const m = it.map;
      if (m.table !== NFT_TABLE || typeof m.name !== 'string' || !(DISPATCH_MAP_NAMES as string[]).includes(m.name)) continue;
      maps.add(m.name);
      for (const pair of Array.isArray(m.elem) ? m.elem : []) {
        const k = Array.isArray(pair) ? elementKey(m.name, pair[0]) : undefined;
        const v = Array.isArray(pair) ? pair[1] : undefined;
        if (k !== undefined && isObj(v) && isObj(v.jump) && typeof v.jump.target === 'string') dispatch.set(`${m.name}|${k}`, v.jump.target);
      }
    }
  }

  const inconsistencies: string[] = [];
  const chainSet = new Set(chains);
  /** Destination chains are named `${serviceChain}_${hash}`: group them under their service chain. */
  const destChainsByService = new Map<string, string[]>();
  for (const chain of rulesByChain.keys()) {
    const cut = chain.lastIndexOf('_');
    if (!chain.startsWith('svc_') || cut <= 4) continue;
    const sc = chain.slice(0, cut);
    if (!chainSet.has(sc)) continue;
    const acc = destChainsByService.get(sc);
    if (acc) acc.push(chain);
    else destChainsByService.set(sc, [chain]);
  }
  // Services: the comment on the first rule of each service chain, dispatched by its map element.
  const serviceLines: string[] = [];
  const chainOf = new Map<string, string>(); // service key → its chain (hashed once)
  const dispatched = new Set<string>(); // map|key of the elements that belong to a service read
  for (const sc of chains) {
    if (!/^svc_[0-9a-f]{10}$/.test(sc)) continue;
    const first = rulesByChain.get(sc)?.[0];
    if (!first?.comment) { inconsistencies.push(`chain ${sc}: no service comment`); continue; }
    const line = first.comment.trim();
    let parsed: IpvsTable;
    try {
      parsed = parseIpvsadmSave(line, `nft chain ${sc} comment`);
    } catch (e) {
      inconsistencies.push((e as Error).message);
      continue;
    }
    const [key, entry] = [...parsed.services][0] ?? [];
    if (key === undefined || entry === undefined) continue;
    if (serviceChain(key) !== sc) { inconsistencies.push(`chain ${sc}: comment is for ${key}`); continue; }
    const d = dispatchOf(entry.service.id);
    const at = `${d.map}|${d.key}`;
    if (dispatch.get(at) !== sc) { inconsistencies.push(`service ${key}: no ${d.map} element jumps to ${sc}`); continue; }
    dispatched.add(at);
    serviceLines.push(line);
    chainOf.set(key, sc);
  }
  for (const [at, target] of dispatch) if (!dispatched.has(at)) inconsistencies.push(`${at.replace('|', ' element ')} jumps to ${target}, which is no service`);
  const table = parseIpvsadmSave(serviceLines.join('\n'), 'nft service comments');

  // Destinations: the comment of the rule in each destination chain.
  for (const [skey, entry] of table.services) {
    const sc = chainOf.get(skey) ?? serviceChain(skey);
    const reachable = new Set<string>();
    for (const r of rulesByChain.get(sc) ?? []) for (const t of vmapTargets(r.expr)) reachable.add(t);
    for (const chain of destChainsByService.get(sc) ?? []) {
      for (const r of rulesByChain.get(chain) ?? []) {
        if (!r.comment) continue;
        let parsed: ReturnType<typeof parseIpvsadmDestLine>;
        try {
          parsed = parseIpvsadmDestLine(r.comment, `nft chain ${r.chain} comment`);
        } catch (e) {
          inconsistencies.push((e as Error).message);
          continue;
        }
        if (serviceKey(parsed.id) !== skey) { inconsistencies.push(`chain ${r.chain}: comment is for another service`); continue; }
        const d = parsed.dest;
        const dk = destKey(d);
        const target = dnatOf(r.expr);
        const norm = target ? parseHostPort(target.address.includes(':') ? `[${target.address}]:${target.port}` : `${target.address}:${target.port}`) : undefined;
        if (r.chain !== destChainOf(sc, dk) || !norm || destKey(norm) !== dk) {
          inconsistencies.push(`${dk} of ${skey}: chain ${r.chain} does not DNAT to it`);
          continue;
        }
        if (d.weight > 0 && !reachable.has(r.chain)) {
          inconsistencies.push(`${dk} of ${skey}: weight ${d.weight} but not in the scheduler map`);
          continue;
        }
        if (d.weight === 0 && reachable.has(r.chain)) {
          inconsistencies.push(`${dk} of ${skey}: weight 0 but still scheduled`);
          continue;
        }
        entry.dests.set(dk, d);
      }
    }
  }
  return { table, chains, sets, maps: [...maps], inconsistencies };
}
