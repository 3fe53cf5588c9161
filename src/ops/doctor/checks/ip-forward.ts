// A NAT director routes the real servers' replies back to the clients: it must forward IPv4.
import type { DoctorContext } from '../context.js';
import type { Finding } from '../finding.js';

export async function checkIpForward(ctx: DoctorContext): Promise<Finding[]> {
  const nat = ctx.cfg.virtualServers.find((v) => v.lbKind === 'NAT' && !v.address.includes(':'));
  if (!nat) return [];
  const v = await ctx.sysctl('net/ipv4/ip_forward');
  if (v === '1') return [];
  return [{ id: 'ip-forward-off', severity: 'error', where: `${ctx.cfg.file}:${nat.line}`,
    what: `net.ipv4.ip_forward is ${v ?? 'unreadable'} on a NAT director (virtual_server ${nat.address} ${nat.port})`,
    why: 'with LVS-NAT every reply from a real server passes through the director; without forwarding they are dropped and clients time out',
    fix: "sysctl -w net.ipv4.ip_forward=1 && echo 'net.ipv4.ip_forward = 1' > /etc/sysctl.d/90-lvs-nat.conf" }];
}
