// The layout of the nft table ka-ts owns and the rules of one service (pure); nft-transaction.ts
// assembles them into `nft -f -` transactions.
//
// Layout of `table inet kats` (names derive from hashes of the service/destination keys, so they
// stay stable when other services come and go):
//   chain prerouting / output   nat hooks at dstnat priority → jump services
//   chain services              three lookups, fwmark first as IPVS does: meta nfproto . mark
//                               in map fwm, ip daddr . l4proto . dport in map svc4, ip6 … in svc6
//   map fwm / svc4 / svc6       one element per service → jump svc_H: a packet finds its service
//                               in one lookup, and adding or removing a service is one element
//   chain svc_H                 first a no-op rule whose comment is the service in ipvsadm syntax
//                               (read back by nft-read), then persistence hits (client in set p_H_D → same destination),
//                               then the scheduler: numgen inc (rr, wrr) or jhash saddr[.sport]
//                               (sh) mod N → vmap of slot ranges → jump svc_H_D; weights are slot counts
//   chain svc_H_D               [update @p_H_D { client }] dnat to the destination
//                               (rule comment: the destination in ipvsadm syntax)
//   set p_H_D_P                 persistence: clients of destination D, dynamic, with the timeout
//
// Transactions flush and rewrite chains but keep persistence sets whose service, destination and
// persistence settings are unchanged, so clients stay where they were.
// A service with no destination of weight > 0 (and no persistence hit) gets no DNAT: the packet
// goes on to the director itself, which owns the VIP, so a client is refused at once (TCP RST /
// ICMP port unreachable) much as IPVS answers when it finds no destination.
import * as crypto from 'node:crypto';
import { netmaskBits } from './address.js';
import { ipvsadmLine } from './ipvsadm-format.js';
import { serviceKey, type Destination, type IpvsTable, type ServiceEntry, type ServiceId } from './table.js';

export const NFT_TABLE = 'kats';
export const NFT_FAMILY = 'inet';
export const T = `${NFT_FAMILY} ${NFT_TABLE}`;
export const BASE_CHAINS = ['prerouting', 'output', 'services'] as const;

/** The dispatch maps (service → jump to its chain) and the type of their keys. */
export const DISPATCH_MAPS = {
  fwm: 'nf_proto . mark',
  svc4: 'ipv4_addr . inet_proto . inet_service',
  svc6: 'ipv6_addr . inet_proto . inet_service',
} as const;
export type DispatchMap = keyof typeof DISPATCH_MAPS;
export const DISPATCH_MAP_NAMES = Object.keys(DISPATCH_MAPS) as DispatchMap[];

/** The `services` chain: fwmark services first (IPVS looks a marked packet up by its mark first), then address services. */
export const DISPATCH_RULES = [
  'meta mark != 0 meta nfproto . meta mark vmap @fwm',
  'ip daddr . meta l4proto . th dport vmap @svc4',
  'ip6 daddr . meta l4proto . th dport vmap @svc6',
] as const;

/** The map and element key (nft syntax) that dispatch a service's packets. */
export function dispatchOf(id: ServiceId): { map: DispatchMap; key: string } {
  if (id.kind === 'fwmark') return { map: 'fwm', key: `${id.family === 'inet6' ? 'ipv6' : 'ipv4'} . ${id.fwmark}` };
  return { map: id.family === 'inet6' ? 'svc6' : 'svc4', key: `${id.address} . ${id.protocol} . ${id.port}` };
}

export function addDispatch(skey: string, id: ServiceId): string {
  const { map, key } = dispatchOf(id);
  return `add element ${T} ${map} { ${key} : jump ${serviceChain(skey)} }`;
}

export function deleteDispatch(id: ServiceId): string {
  const { map, key } = dispatchOf(id);
  return `delete element ${T} ${map} { ${key} }`;
}

/** Byte order, so the output does not depend on the locale. */
export const byKey = <T>([a]: [string, T], [b]: [string, T]): number => (a < b ? -1 : a > b ? 1 : 0);

// crypto.hash (Node ≥ 20.12) digests without building a Hash object, about twice as fast: reading
// a table hashes every service and destination key to check its chain names.
const sha1 = typeof crypto.hash === 'function'
  ? (s: string): string => crypto.hash('sha1', s, 'hex')
  : (s: string): string => crypto.createHash('sha1').update(s).digest('hex');
const h = (s: string, n: number): string => sha1(s).slice(0, n);

/** The hash that names a service's chains and sets. */
export function serviceHash(skey: string): string {
  return h(skey, 10);
}

export function serviceChain(skey: string): string {
  return `svc_${serviceHash(skey)}`;
}

export function destChain(skey: string, dkey: string): string {
  return destChainOf(serviceChain(skey), dkey);
}

/** destChain() for a service chain name already at hand. */
export function destChainOf(svcChain: string, dkey: string): string {
  return `${svcChain}_${h(dkey, 8)}`;
}

/** Persistence set of one destination; the persistence settings are part of the name so a change makes a fresh set. */
export function persistSet(e: ServiceEntry, dkey: string): string | undefined {
  const p = e.service.persistence;
  if (!p) return undefined;
  return `p_${serviceHash(serviceKey(e.service.id))}_${h(dkey, 8)}_${h(`${p.timeout}/${p.netmask ?? ''}`, 4)}`;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Slot counts per destination for the vmap: rr 1 each, wrr weight/gcd, sh weight. Weight-0 destinations get none. */
export function slotCounts(e: ServiceEntry): { dkey: string; slots: number }[] {
  const live = [...e.dests].filter(([, d]) => d.weight > 0).sort(byKey);
  if (e.service.scheduler === 'rr') return live.map(([dkey]) => ({ dkey, slots: 1 }));
  const g = e.service.scheduler === 'wrr' ? live.reduce((acc, [, d]) => gcd(acc, d.weight), 0) : 1;
  return live.map(([dkey, d]) => ({ dkey, slots: d.weight / (g || 1) }));
}

function ipKw(family: 'inet' | 'inet6'): 'ip' | 'ip6' {
  return family === 'inet6' ? 'ip6' : 'ip';
}

/** Client key of persistence: source address under the granularity mask. */
function clientExpr(e: ServiceEntry): string {
  const fam = e.service.id.family;
  const p = e.service.persistence;
  const bits = netmaskBits(fam, p?.netmask);
  if (bits === (fam === 'inet6' ? 128 : 32)) return `${ipKw(fam)} saddr`;
  if (fam === 'inet') return `ip saddr & ${p?.netmask}`;
  // IPv6 prefix length → mask in address notation
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) {
    const b = Math.max(0, Math.min(16, bits - i * 16));
    groups.push(((0xffff << (16 - b)) & 0xffff).toString(16));
  }
  return `ip6 saddr & ${groups.join(':')}`;
}

function l4(e: ServiceEntry): string {
  return e.service.id.kind === 'addr' ? `meta l4proto ${e.service.id.protocol} ` : '';
}

function dnatTarget(e: ServiceEntry, d: Destination): string {
  const fam = ipKw(e.service.id.family);
  if (d.port === 0) return `dnat ${fam} to ${d.address}`;
  return fam === 'ip6' ? `dnat ip6 to [${d.address}]:${d.port}` : `dnat ip to ${d.address}:${d.port}`;
}

/** Port mapping needs an L4 match in the rule; fwmark services mapping a port match the three protocols. */
function l4ForDnat(e: ServiceEntry, d: Destination): string {
  if (d.port === 0) return '';
  return l4(e) || 'meta l4proto { tcp, udp, sctp } ';
}

const quote = (s: string): string => `"${s.replace(/["\\]/g, '')}"`;

function selectionRule(e: ServiceEntry, skey: string): string | undefined {
  const slots = slotCounts(e);
  const total = slots.reduce((a, s) => a + s.slots, 0);
  if (total === 0) return undefined;
  let at = 0;
  const elems = slots.map((s) => {
    const from = at;
    at += s.slots;
    const range = s.slots === 1 ? `${from}` : `${from}-${at - 1}`;
    return `${range} : jump ${destChain(skey, s.dkey)}`;
  });
  let key: string;
  if (e.service.scheduler === 'sh') {
    const fam = ipKw(e.service.id.family);
    const port = e.service.flags.includes('sh-port') ? ' . th sport' : '';
    key = `jhash ${fam} saddr${port} mod ${total} seed 0x0`;
  } else {
    key = `numgen inc mod ${total}`;
  }
  // th sport needs an L4 match in the rule for fwmark services too
  const pre = e.service.flags.includes('sh-port') && e.service.id.kind === 'fwmark' ? 'meta l4proto { tcp, udp, sctp } ' : l4(e);
  return `${pre}${key} vmap { ${elems.join(', ')} }`;
}

/** Names of the chains and sets of one service: its scheduler chain, one chain (and persistence set) per destination. */
export function serviceObjects(skey: string, e: ServiceEntry): { chains: string[]; sets: string[] } {
  const chains = [serviceChain(skey)];
  const sets: string[] = [];
  for (const dkey of [...e.dests.keys()].sort()) {
    chains.push(destChain(skey, dkey));
    const set = persistSet(e, dkey);
    if (set) sets.push(set);
  }
  return { chains, sets };
}

/** Names of every chain, set and map `table` needs. */
export function nftObjects(table: IpvsTable): { chains: string[]; sets: string[]; maps: string[] } {
  const chains: string[] = [...BASE_CHAINS];
  const sets: string[] = [];
  for (const [skey, e] of [...table.services].sort(byKey)) {
    const o = serviceObjects(skey, e);
    chains.push(...o.chains);
    sets.push(...o.sets);
  }
  return { chains, sets, maps: [...DISPATCH_MAP_NAMES] };
}

/** The service hash in a chain or set name of the layout (svc_H, svc_H_D, p_H_D_P); undefined for the base chains. */
export function ownerHash(name: string): string | undefined {
  const m = /^(?:svc|p)_([0-9a-f]{10})(?:_|$)/.exec(name);
  return m?.[1];
}

/** The rules (and persistence sets) of one service: its scheduler chain and one chain per destination. */
export function serviceBody(skey: string, e: ServiceEntry, L: string[]): void {
  const sc = serviceChain(skey);
  const fam = e.service.id.family === 'inet6' ? 'ipv6_addr' : 'ipv4_addr';
  L.push(`add chain ${T} ${sc}`);
  // `continue` does nothing; the rule is there for its comment, the service's own definition.
  L.push(`add rule ${T} ${sc} continue comment ${quote(ipvsadmLine({ op: 'add-service', service: e.service }))}`);
  const dests = [...e.dests].sort(byKey);
  for (const [dkey, d] of dests) {
    const dc = destChain(skey, dkey);
    L.push(`add chain ${T} ${dc}`);
    const set = persistSet(e, dkey);
    let update = '';
    if (set) {
      L.push(`add set ${T} ${set} { type ${fam}; flags dynamic,timeout; timeout ${e.service.persistence?.timeout}s; }`);
      update = `update @${set} { ${clientExpr(e)} } `;
    }
    L.push(`add rule ${T} ${dc} ${l4ForDnat(e, d)}${update}${dnatTarget(e, d)} comment ${quote(ipvsadmLine({ op: 'add-dest', service: e.service.id, dest: d }))}`);
  }
  // Persistence hits first: a known client goes back to its destination (even one at weight 0,
  // as IPVS keeps persistence templates to quiesced destinations).
  for (const [dkey, d] of dests) {
    const set = persistSet(e, dkey);
    if (!set) continue;
    L.push(`add rule ${T} ${sc} ${l4ForDnat(e, d)}${clientExpr(e)} @${set} update @${set} { ${clientExpr(e)} } ${dnatTarget(e, d)}`);
  }
  const sel = selectionRule(e, skey);
  if (sel) L.push(`add rule ${T} ${sc} ${sel}`);
}
