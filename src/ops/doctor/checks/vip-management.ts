// A virtual service on an address the director itself uses for management (a static address, not
// a VRRP VIP): IPVS/nft captures the director's own traffic to it, e.g. ssh — the VIP=DIP lock-out.
import type { DoctorContext } from '../context.js';
import type { Finding } from '../finding.js';

export async function checkVipManagement(ctx: DoctorContext): Promise<Finding[]> {
  const vips = new Set(ctx.cfg.instances.flatMap((i) => i.vips.map((v) => v.address)));
  const own = [...(await ctx.addresses()).entries()].flatMap(([ifname, addrs]) => addrs.map((a) => ({ ifname, a })));
  const out: Finding[] = [];
  for (const vs of ctx.cfg.virtualServers) {
    const hit = own.find((o) => o.a === vs.address);
    if (!hit || vips.has(vs.address)) continue;
    const grabsSsh = vs.port === 22 || vs.port === 0;
    out.push({ id: 'service-on-management-address', severity: grabsSsh ? 'error' : 'warning', where: `${ctx.cfg.file}:${vs.line}`,
      what: `virtual_server ${vs.address} ${vs.port} is on ${hit.ifname}'s own static address ${vs.address}, which is not a VRRP VIP`,
      why: grabsSsh
        ? `connections to ${vs.address}${vs.port === 0 ? ' on every port' : ':22'} — including your ssh session to the director — are load-balanced away: you lock yourself out`
        : 'the address does not move on failover (so the service is not highly available) and the director\'s own traffic to that port is load-balanced',
      fix: `put the service on a VIP managed by a vrrp_instance (virtual_ipaddress) and keep ${vs.address} for management` });
  }
  return out;
}
