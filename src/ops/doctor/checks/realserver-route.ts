// NAT: each real server must send its replies back through the director (default route via the
// DIP). Probe: ping the real server from a front-network source address; its reply only comes
// back if its route to the front network goes through this director.
import { inSubnet, isIpv4, networkOf } from '../../lab/ipv4.js';
import type { DoctorContext } from '../context.js';
import type { Finding } from '../finding.js';

function dipFor(ctx: DoctorContext, rs: string): string | undefined {
  for (const i of ctx.cfg.instances) for (const v of i.vips) {
    if (isIpv4(v.address) && v.prefix < 31 && inSubnet(rs, networkOf(v.address, v.prefix), v.prefix)) return v.address;
  }
  return undefined;
}

export async function checkRealServerRoutes(ctx: DoctorContext): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const rs of ctx.realServers) {
    const vs = ctx.cfg.virtualServers.find((v) => v.realServers.some((r) => r.address === rs));
    if (!vs) {
      out.push({ id: 'realserver-unknown', severity: 'warning', what: `--realserver ${rs} is not a real_server in ${ctx.cfg.file}`, why: 'the doctor probes real servers the config names', fix: 'check the address' });
      continue;
    }
    if (vs.lbKind !== 'NAT') continue;
    const addrs = await ctx.addresses();
    const front = vs.address;
    const frontIf = [...addrs.entries()].find(([, a]) => a.includes(front))?.[0]
      ?? ctx.cfg.instances.find((i) => i.vips.some((v) => v.address === front))?.interface;
    const src = frontIf ? addrs.get(frontIf)?.[0] : undefined;
    const dip = dipFor(ctx, rs) ?? 'the DIP';
    const plain = await ctx.sh('ping', ['-n', '-c', '1', '-W', '1', rs]);
    if (plain.code !== 0) {
      out.push({ id: 'realserver-unreachable', severity: 'error', what: `real server ${rs} does not answer ping from the director`,
        why: 'the checkers will mark it down (or it filters ICMP); the back network may be broken', fix: `check the back network: \`ip route get ${rs}\`, the real server's address and firewall` });
      continue;
    }
    if (!src) continue;
    const viaFront = await ctx.sh('ping', ['-n', '-c', '2', '-W', '1', '-I', src, rs]);
    if (viaFront.code !== 0) {
      out.push({ id: 'realserver-route-not-via-dip', severity: 'error', where: `${ctx.cfg.file}:${vs.line}`,
        what: `real server ${rs} answers the director but not a front-network address (${src}): its replies to clients do not go back through the director`,
        why: 'with LVS-NAT the director must see the replies to rewrite their source back to the VIP; a real server routing them elsewhere breaks every connection',
        fix: `on ${rs}: ip route replace default via ${dip}  (the floating DIP, so it follows the MASTER)` });
    }
  }
  return out;
}
