// fast-check generators of IPVS tables (shared by the unit properties and the nft round-trip test).
import fc from 'fast-check';
import { canonicalAddress } from '../../../src/ipvs/address.js';
import { canonicalSchedFlags } from '../../../src/ipvs/sched-flags.js';
import { destKey, SCHEDULERS, serviceKey, type Destination, type IpvsTable, type Scheduler, type Service, type ServiceId } from '../../../src/ipvs/table.js';

const v4 = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 })).map((o) => o.join('.'));
const v6 = fc.tuple(fc.integer({ min: 1, max: 0xffff }), fc.nat(0xffff)).map(([a, b]) => canonicalAddress(`2001:db8:${a.toString(16)}::${b.toString(16)}`) as string);
const port = fc.integer({ min: 1, max: 65535 });

export interface TableArbOptions {
  /** Only what the nft backend carries: NAT, rr/wrr/sh, no ops/thresholds/pe, sh-port only. */
  nftOnly?: boolean;
  maxServices?: number;
  maxDests?: number;
}

function serviceArb(o: TableArbOptions): fc.Arbitrary<Service> {
  const scheds: Scheduler[] = o.nftOnly ? ['rr', 'wrr', 'sh'] : [...SCHEDULERS];
  const family = fc.constantFrom<'inet' | 'inet6'>('inet', 'inet6');
  const id: fc.Arbitrary<ServiceId> = fc.oneof(
    fc.record({ family, proto: fc.constantFrom<'tcp' | 'udp' | 'sctp'>('tcp', 'udp', 'sctp'), p: port, a4: v4, a6: v6 })
      .map(({ family: f, proto, p, a4, a6 }): ServiceId => ({ kind: 'addr', family: f, protocol: proto, address: f === 'inet' ? a4 : a6, port: p })),
    fc.record({ family, mark: fc.integer({ min: 1, max: 0xffffffff }) }).map(({ family: f, mark }): ServiceId => ({ kind: 'fwmark', family: f, fwmark: mark })),
  );
  return fc.record({
    id,
    scheduler: fc.constantFrom(...scheds),
    persistence: fc.option(fc.record({ timeout: fc.integer({ min: 1, max: 86400 }), bits: fc.integer({ min: 8, max: 32 }) }), { nil: undefined }),
    ops: o.nftOnly ? fc.constant(false) : fc.boolean(),
    flags: fc.subarray(o.nftOnly ? ['sh-port' as const] : ['flag-1' as const, 'flag-2' as const, 'flag-3' as const]),
  }).map((r) => {
    const s: Service = { id: r.id, scheduler: r.scheduler, ops: r.ops, flags: canonicalSchedFlags(r.scheduler, o.nftOnly && r.scheduler !== 'sh' ? [] : r.flags) };
    if (r.persistence) {
      const fam = r.id.family;
      const bits = fam === 'inet6' ? r.persistence.bits * 4 : r.persistence.bits;
      s.persistence = { timeout: r.persistence.timeout };
      if (fam === 'inet' && bits < 32) s.persistence.netmask = [24, 16, 8, 0].map((sh) => String(Math.floor((2 ** 32 - 2 ** (32 - bits)) / 2 ** sh) % 256)).join('.');
      if (fam === 'inet6' && bits < 128) s.persistence.netmask = String(bits);
    }
    return s;
  });
}

function destArb(o: TableArbOptions, s: Service): fc.Arbitrary<Destination> {
  const fam = s.id.family;
  return fc.record({
    address: fam === 'inet' ? v4 : v6,
    port: s.id.kind === 'fwmark' ? fc.constant(0) : port,
    method: o.nftOnly ? fc.constant('masq' as const) : fc.constantFrom('masq' as const, 'route' as const, 'tunnel' as const),
    weight: fc.integer({ min: 0, max: o.nftOnly ? 20 : 65535 }),
    upper: o.nftOnly ? fc.constant(0) : fc.nat(1000),
    lowerPct: fc.nat(100),
    tun: fc.constantFrom('ipip', 'gue', 'gre'),
    csum: fc.constantFrom('nocsum' as const, 'csum' as const, 'remcsum' as const),
    tunPort: port,
  }).map((r) => {
    const d: Destination = { address: r.address, port: r.port, method: r.method, weight: r.weight, upperThreshold: r.upper, lowerThreshold: Math.floor((r.upper * r.lowerPct) / 100) };
    if (r.method === 'tunnel' && r.tun !== 'ipip') {
      d.tunnel = r.tun === 'gue' ? { type: 'gue', port: r.tunPort, checksum: r.csum } : { type: 'gre', checksum: r.csum === 'remcsum' ? 'csum' : r.csum };
    }
    return d;
  });
}

export function tableArb(o: TableArbOptions = {}): fc.Arbitrary<IpvsTable> {
  const entry = serviceArb(o).chain((s) => fc.array(destArb(o, s), { maxLength: o.maxDests ?? 4 }).map((ds) => ({ s, ds })));
  return fc.array(entry, { maxLength: o.maxServices ?? 5 }).map((entries) => {
    const t: IpvsTable = { services: new Map() };
    for (const { s, ds } of entries) {
      if (t.services.has(serviceKey(s.id))) continue;
      t.services.set(serviceKey(s.id), { service: s, dests: new Map(ds.map((d) => [destKey(d), d])) });
    }
    return t;
  });
}
