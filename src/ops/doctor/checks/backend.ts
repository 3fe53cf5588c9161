// The dataplane for the virtual servers must exist: kernel IPVS, or nftables for NAT-only configs
// (ka-ts --ipvs-backend nft); DR and TUN need IPVS.
import type { DoctorContext } from '../context.js';
import type { Finding } from '../finding.js';

export async function checkBackend(ctx: DoctorContext): Promise<Finding[]> {
  const vss = ctx.cfg.virtualServers;
  if (vss.length === 0) return [];
  const ipvs = (await ctx.sh('cat', ['/proc/net/ip_vs'])).code === 0 || (await ctx.sh('modinfo', ['-n', 'ip_vs'])).code === 0;
  if (ipvs) return [];
  const nft = (await ctx.sh('nft', ['list', 'tables'])).code === 0;
  const needIpvs = vss.filter((v) => v.lbKind !== 'NAT');
  if (needIpvs.length > 0) {
    return [{ id: 'no-ipvs', severity: 'error', where: `${ctx.cfg.file}:${needIpvs[0]!.line}`,
      what: `no IPVS kernel module, but ${needIpvs.map((v) => `${v.address} ${v.port} (${v.lbKind})`).join(', ')} need it`,
      why: 'direct routing and tunnelling are done by IPVS in the kernel; the nftables backend can only do NAT',
      fix: 'install the kernel modules (e.g. `apt install linux-modules-extra-$(uname -r)`) and `modprobe ip_vs`' }];
  }
  if (nft) return [];
  return [{ id: 'no-dataplane', severity: 'error',
    what: 'neither the IPVS kernel module nor nftables is available',
    why: 'virtual servers cannot be programmed: VRRP will move the VIPs but nothing forwards to the real servers',
    fix: '`modprobe ip_vs` (kernel IPVS), or install nftables and run ka-ts with --ipvs-backend nft (NAT only)' }];
}
