// `nft -j list table inet kats` → the IPVS table it implements. Service and destination settings
// come from the rule comments ka-ts writes (ipvsadm syntax); the structure is checked against them:
// the service rule must jump to the service's chain, the destination chain must DNAT to the
// destination, and a destination with weight > 0 must be reachable from the scheduler's vmap.
// Anything that does not add up is left out of the result, so the reconciler rewrites it.
import { IpvsParseError } from './errors.js';
import { parseIpvsadmDestLine, parseIpvsadmSave, parseHostPort } from './ipvsadm-parse.js';
import { destChainOf, NFT_TABLE, serviceChain } from './nft-ruleset.js';
import { destKey, serviceKey, type IpvsTable } from './table.js';

interface NftRule { chain: string; comment?: string; expr: unknown[] }

export interface NftReadResult {
  table: IpvsTable;
  chains: string[];
  sets: string[];
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

function jumpTarget(expr: unknown[]): string | undefined {
  for (const e of expr) if (isObj(e) && isObj(e.jump) && typeof e.jump.target === 'string') return e.jump.target;
  return undefined;
}

function dnatOf(expr: unknown[]): { address: string; port: number } | undefined {
  for (const e of expr) {
    if (isObj(e) && isObj(e.dnat) && typeof e.dnat.addr === 'string') {
      return { address: e.dnat.addr, port: typeof e.dnat.port === 'number' ? e.dnat.port : 0 };
    }
  }
  return undefined;
}

export function parseNftJson(text: string): NftReadResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new IpvsParseError('nft -j list table', 1, text.slice(0, 80), `not JSON (${(e as Error).message})`);
  }
  const items = isObj(doc) && Array.isArray(doc.nftables) ? doc.nftables : undefined;
  if (!items) throw new IpvsParseError('nft -j list table', 1, text.slice(0, 80), 'no "nftables" array');
  const chains: string[] = [];
  const sets: string[] = [];
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
  // Services: the comment of each rule in `services`.
  const serviceLines: string[] = [];
  const chainOf = new Map<string, string>(); // service key → its chain (hashed once)
  for (const r of rulesByChain.get('services') ?? []) {
    if (!r.comment) continue;
    const line = r.comment.trim();
    let key: string;
    try {
      key = [...parseIpvsadmSave(line, 'nft services rule comment').services.keys()][0] as string;
    } catch (e) {
      inconsistencies.push((e as Error).message);
      continue;
    }
    const sc = serviceChain(key);
    if (jumpTarget(r.expr) !== sc) { inconsistencies.push(`service ${key}: rule does not jump to ${sc}`); continue; }
    if (!chainSet.has(sc)) { inconsistencies.push(`service ${key}: chain ${sc} missing`); continue; }
    serviceLines.push(line);
    chainOf.set(key, sc);
  }
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
  return { table, chains, sets, inconsistencies };
}
