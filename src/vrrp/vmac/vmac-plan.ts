// use_vmac, the configuration side (pure): which macvlan each instance runs on, and the engine
// spec rewritten onto it, as keepalived 2.2.7 lays it out (vrrp_vmac.c, vrrp.c):
//  - the interface is named as configured, else vrrp.<VRID> (vrrp6.<VRID> for IPv6 if taken,
//    then vrrp1., vrrp2., ...); its MAC is 00:00:5e:00:01:VRID (IPv4) or 00:00:5e:00:02:VRID
//    (IPv6), or the one configured (five octets: the VRID completes it);
//  - adverts go out on the macvlan (with its MAC) unless vmac_xmit_base, which unicast peers force;
//  - the VIPs that name no other interface live on the macvlan, so GARPs carry its MAC;
//  - the source address stays the base interface's (the macvlan has no IPv4 address);
//  - both the base interface and the macvlan are tracked, unless dont_track_primary.
import type { KeepalivedConfig } from '../../config/model.js';
import type { EngineConfig, EngineInstanceSpec } from '../engine/engine-spec.js';

export interface VmacPlan {
  instance: string;
  /** The macvlan's name. */
  name: string;
  /** The interface the macvlan sits on (the instance's `interface`). */
  base: string;
  mac: string;
  family: 'ipv4' | 'ipv6';
  /** Adverts on the base interface (vmac_xmit_base, or unicast peers). */
  xmitBase: boolean;
}

const hex = (n: number): string => n.toString(16).padStart(2, '0');

/** keepalived create_vmac_name: vrrp.VRID, for IPv6 then vrrp6.VRID, then vrrp1.VRID, vrrp2.VRID, ... */
function freeName(vrid: number, family: 'ipv4' | 'ipv6', taken: ReadonlySet<string>): string {
  for (const c of [`vrrp.${vrid}`, ...(family === 'ipv6' ? [`vrrp6.${vrid}`] : [])]) if (!taken.has(c)) return c;
  for (let n = 1; ; n++) {
    // vrrp6. was tried first for IPv6.
    if (n === 6 && family === 'ipv6') continue;
    if (!taken.has(`vrrp${n}.${vrid}`)) return `vrrp${n}.${vrid}`;
  }
}

/** Every use_vmac instance's macvlan, names made unique the way keepalived picks them. */
export function vmacPlans(cfg: KeepalivedConfig): VmacPlan[] {
  const taken = new Set<string>();
  const out: VmacPlan[] = [];
  for (const i of cfg.vrrpInstances) {
    if (!i.useVmac || i.interface === undefined || i.virtualRouterId < 1) continue;
    const family = i.family === 'inet6' ? 'ipv6' : 'ipv4';
    const given = i.useVmac.name;
    const name = given !== undefined && !taken.has(given) ? given : freeName(i.virtualRouterId, family, taken);
    taken.add(name);
    const mac = i.useVmac.mac === undefined
      ? `00:00:5e:00:${family === 'ipv4' ? '01' : '02'}:${hex(i.virtualRouterId)}`
      : i.useVmac.mac.split(':').length === 5 ? `${i.useVmac.mac}:${hex(i.virtualRouterId)}` : i.useVmac.mac;
    out.push({ instance: i.name, name, base: i.interface, mac, family, xmitBase: i.vmacXmitBase || i.unicastPeers.length > 0 });
  }
  return out;
}

/**
 * The engine config with each planned instance moved onto its macvlan. `sources` holds the source
 * address each instance advertises from (the base interface's), read when the macvlan was made;
 * an instance without one keeps the engine's own lookup.
 */
export function onVmacs(config: EngineConfig, plans: readonly VmacPlan[], sources: ReadonlyMap<string, string>): EngineConfig {
  if (plans.length === 0) return config;
  const byInstance = new Map(plans.map((p) => [p.instance, p]));
  return { ...config, instances: config.instances.map((s) => { const p = byInstance.get(s.vrrp.name); return p ? onVmac(s, p, sources.get(p.instance)) : s; }) };
}

function onVmac(s: EngineInstanceSpec, p: VmacPlan, source: string | undefined): EngineInstanceSpec {
  const move = <T extends { dev: string }>(v: T): T => (v.dev === p.base ? { ...v, dev: p.name } : v);
  const alsoTracked = p.xmitBase ? p.name : p.base;
  return {
    ...s,
    vrrp: { ...s.vrrp, ...(s.vrrp.primaryAddress === '' && source ? { primaryAddress: source } : {}) },
    interface: p.xmitBase ? p.base : p.name,
    vips: s.vips.map(move),
    excludedVips: s.excludedVips.map(move),
    trackInterfaces: s.dontTrackPrimary || s.trackInterfaces.some((t) => t.ifname === alsoTracked)
      ? s.trackInterfaces
      : [...s.trackInterfaces, { ifname: alsoTracked, weight: 0 }],
  };
}
