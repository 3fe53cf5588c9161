// The lab's topology, decided from the config alone (pure): which networks exist, which
// addresses the client, the directors and the real servers get, and whether the lab has to add a
// floating DIP (the real servers' NAT gateway) because the config does not carry one.
import { intToIp, inSubnet, isIpv4, LabAddressError, networkOf } from './ipv4.js';
import type { LabConfig, LabInstance } from './lab-config.js';

export interface LabNetwork {
  /** The interface name the directors use for this network (the config's name). */
  ifname: string;
  net: number;
  prefix: number;
  /** The directors' own addresses on it, [d1, d2]. */
  directorAddrs: [string, string];
}

export interface LabRealServerHost {
  address: string;
  ports: number[];
  network: string;
  /** NAT: default route via this (the DIP). */
  gateway?: string;
}

export interface AddedDip { instance: string; ifname: string; vrid: number; address: string; prefix: number }

export interface LabPlan {
  name: string;
  prefix: string;
  networks: LabNetwork[];
  frontIf: string;
  clientAddr: string;
  realServers: LabRealServerHost[];
  addedDip?: AddedDip;
  /** Services the lab needs traffic for: the first NAT virtual server, if any. */
  nat: boolean;
}

export const LAB_NS_PREFIX = 'kt-lab-';

export function labPrefix(name: string): string {
  return `${LAB_NS_PREFIX}${name}-`;
}

function vipNetworks(cfg: LabConfig): Map<string, { net: number; prefix: number }> {
  const out = new Map<string, { net: number; prefix: number }>();
  for (const inst of cfg.instances) {
    for (const v of inst.vips) {
      if (!isIpv4(v.address)) continue;
      const dev = v.dev ?? inst.interface;
      // A /32 VIP says nothing about the subnet; assume the usual /24 around it.
      const prefix = v.prefix >= 31 ? 24 : v.prefix;
      if (!out.has(dev)) out.set(dev, { net: networkOf(v.address, prefix), prefix });
    }
    if (!out.has(inst.interface)) out.set(inst.interface, { net: -1, prefix: 24 });
  }
  return out;
}

/** Picks host addresses counting down from .250-ish that no VIP or real server uses. */
function freeHosts(net: number, prefix: number, taken: Set<string>, count: number): string[] {
  const size = 2 ** (32 - prefix);
  const out: string[] = [];
  for (let h = size - 3; h > 0 && out.length < count; h -= 1) {
    const ip = intToIp((net + h) >>> 0);
    if (!taken.has(ip)) out.push(ip);
  }
  if (out.length < count) throw new LabAddressError(`network ${intToIp(net)}/${prefix} has no room for the lab's hosts`);
  return out;
}

export function makeLabPlan(cfg: LabConfig, name: string): LabPlan {
  if (!/^[a-z0-9]{1,12}$/.test(name)) throw new LabAddressError(`lab name '${name}' must be 1-12 lowercase letters or digits`);
  if (cfg.instances.length === 0) throw new LabAddressError(`${cfg.file}: no vrrp_instance, nothing to build a lab for`);
  const taken = new Set<string>();
  for (const i of cfg.instances) for (const v of i.vips) taken.add(v.address);
  for (const vs of cfg.virtualServers) { taken.add(vs.address); for (const rs of vs.realServers) taken.add(rs.address); }

  const nets = vipNetworks(cfg);
  const frontVs = cfg.virtualServers.find((vs) => isIpv4(vs.address));
  let frontIf = cfg.instances[0]!.interface;
  if (frontVs) {
    for (const [ifname, n] of nets) if (n.net >= 0 && inSubnet(frontVs.address, n.net, n.prefix)) { frontIf = ifname; break; }
  }
  let addedDip: AddedDip | undefined;
  const nat = cfg.virtualServers.some((vs) => vs.lbKind === 'NAT');
  const rsHosts = new Map<string, LabRealServerHost>();
  for (const vs of cfg.virtualServers) {
    for (const rs of vs.realServers) {
      if (!isIpv4(rs.address)) continue;
      let network = [...nets].find(([, n]) => n.net >= 0 && inSubnet(rs.address, n.net, n.prefix))?.[0];
      if (!network) {
        // The config has no VIP on the real servers' network: the lab adds that network (and for NAT the DIP).
        network = 'lab-back';
        if (!nets.has(network)) nets.set(network, { net: networkOf(rs.address, 24), prefix: 24 });
      }
      const host = rsHosts.get(rs.address) ?? { address: rs.address, ports: [], network };
      if (!host.ports.includes(rs.port)) host.ports.push(rs.port);
      rsHosts.set(rs.address, host);
    }
  }
  const networks: LabNetwork[] = [];
  for (const [ifname, n] of nets) {
    if (n.net < 0) throw new LabAddressError(`${cfg.file}: interface ${ifname} carries no IPv4 VIP, so the lab cannot tell its subnet`);
    const [a, b] = freeHosts(n.net, n.prefix, taken, 3).slice(1) as [string, string];
    taken.add(a); taken.add(b);
    networks.push({ ifname, net: n.net, prefix: n.prefix, directorAddrs: [a, b] });
  }
  const front = networks.find((n) => n.ifname === frontIf)!;
  const clientAddr = freeHosts(front.net, front.prefix, taken, 1)[0]!;
  taken.add(clientAddr);

  if (nat) {
    for (const host of rsHosts.values()) {
      const netw = networks.find((n) => n.ifname === host.network)!;
      const dip = cfg.instances.flatMap((i) => i.vips.map((v) => ({ v, dev: v.dev ?? i.interface })))
        .find(({ v, dev }) => dev === host.network && isIpv4(v.address) && inSubnet(v.address, netw.net, netw.prefix));
      if (dip) { host.gateway = dip.v.address; continue; }
      if (!addedDip) {
        const address = freeHosts(netw.net, netw.prefix, taken, 1)[0]!;
        taken.add(address);
        const vrid = Math.max(...cfg.instances.map((i: LabInstance) => i.vrid)) + 1;
        addedDip = { instance: 'LAB_DIP', ifname: host.network, vrid: vrid > 255 ? 1 : vrid, address, prefix: netw.prefix };
      }
      host.gateway = addedDip.address;
    }
  }
  return { name, prefix: labPrefix(name), networks, frontIf, clientAddr, realServers: [...rsHosts.values()], ...(addedDip ? { addedDip } : {}), nat };
}
