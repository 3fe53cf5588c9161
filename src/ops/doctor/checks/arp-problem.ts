// DR/TUN: the LVS "ARP problem". Real servers carry the VIP (on lo or a tunnel) and must never
// answer ARP for it, or clients bypass the director. Probe with an ARP request for the VIP
// (the native addon's AF_PACKET socket, or arping when the addon is not built)
// sent from the director's own address (so the only cache entry it refreshes is the director's
// own, correct one) and see which MACs answer. DAD mode (-D) would stop at the first answer.
import { inSubnet, isIpv4, networkOf } from '../../lab/ipv4.js';
import type { DoctorContext } from '../context.js';
import type { Finding } from '../finding.js';
import { nativeArpProbeAvailable, probeArp } from '../arp-probe.js';

/** MACs in `arping` output ("Unicast reply from 10.0.0.10 [AA:BB:..]"). Pure. */
export function parseArpingReplies(text: string): string[] {
  return [...new Set([...text.matchAll(/reply from \S+ \[([0-9A-Fa-f:]{17})\]/g)].map((m) => m[1]!.toLowerCase()))];
}

const GUIDANCE = 'on each real server: sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 '
  + '(persist them in /etc/sysctl.d/), put the VIP on lo as /32; for TUN also net.ipv4.conf.tunl0.rp_filter=0 and net.ipv4.conf.all.rp_filter=0 (or 2)';

async function macOf(ctx: DoctorContext, addr: string): Promise<string | undefined> {
  await ctx.sh('ping', ['-n', '-c', '1', '-W', '1', addr]);
  const r = await ctx.sh('ip', ['neigh', 'show', addr]);
  return /lladdr ([0-9a-f:]{17})/.exec(r.stdout)?.[1];
}

export async function checkArpProblem(ctx: DoctorContext): Promise<Finding[]> {
  const out: Finding[] = [];
  const dr = ctx.cfg.virtualServers.filter((v) => v.lbKind !== 'NAT' && isIpv4(v.address));
  const probed = new Set<string>();
  for (const vs of dr) {
    if (probed.has(vs.address)) continue;
    probed.add(vs.address);
    const inst = ctx.cfg.instances.find((i) => i.vips.some((v) => v.address === vs.address));
    const vip = inst?.vips.find((v) => v.address === vs.address);
    const ifname = vip?.dev ?? inst?.interface;
    if (!ifname) continue;
    const vipSet = new Set(ctx.cfg.instances.flatMap((i) => i.vips.map((v) => v.address)));
    const src = (await ctx.addresses()).get(ifname)?.find((a) => !vipSet.has(a));
    let macs: string[];
    if (nativeArpProbeAvailable() && src) {
      macs = await probeArp(ctx.ns, ifname, src, vs.address);
    } else {
      const r = await ctx.sh('arping', ['-I', ifname, '-c', '2', '-w', '3', ...(src ? ['-s', src] : []), vs.address], 8000);
      if (r.code === 127 || (/not found|No such file/.test(r.stderr) && r.stdout === '')) {
        out.push({ id: 'arp-probe-unavailable', severity: 'info', what: `cannot probe ARP for ${vs.address}: neither the native addon (npm run build:native) nor arping is available`,
          why: 'the ARP problem (a real server answering for the VIP) can only be seen on the wire', fix: 'npm run build:native, or apt install iputils-arping' });
        continue;
      }
      macs = parseArpingReplies(r.stdout);
    }
    const rsMacs = new Map<string, string>();
    const prefix = vip && vip.prefix < 31 ? vip.prefix : 24;
    for (const rs of vs.realServers.filter((x) => isIpv4(x.address) && inSubnet(x.address, networkOf(vs.address, prefix), prefix))) {
      const m = await macOf(ctx, rs.address);
      if (m) rsMacs.set(m, rs.address);
    }
    for (const mac of macs) {
      const rs = rsMacs.get(mac);
      if (rs) {
        out.push({ id: 'arp-problem', severity: 'error', where: `${ctx.cfg.file}:${vs.line}`,
          what: `real server ${rs} (${mac}) answers ARP for the VIP ${vs.address}`,
          why: 'clients and routers may learn the real server\'s MAC for the VIP and bypass the director: no load balancing, and no failover when it dies',
          fix: GUIDANCE });
      }
    }
    const unknown = macs.filter((m) => !rsMacs.has(m));
    if (unknown.length > 1) {
      out.push({ id: 'arp-multiple-answers', severity: 'warning', where: `${ctx.cfg.file}:${vs.line}`,
        what: `${unknown.length} hosts answer ARP for the VIP ${vs.address}: ${unknown.join(', ')}`,
        why: 'only the MASTER director may answer for the VIP; another answer is a real server with the ARP problem or a second MASTER',
        fix: GUIDANCE });
    }
  }
  return out;
}
