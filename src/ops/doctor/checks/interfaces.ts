// Every interface the config names (instance interfaces, VIP devices) exists and is up.
import { at, type DoctorContext } from '../context.js';
import type { Finding } from '../finding.js';

export async function checkInterfaces(ctx: DoctorContext): Promise<Finding[]> {
  const wanted = new Map<string, number>();
  for (const i of ctx.cfg.instances) {
    if (!wanted.has(i.interface)) wanted.set(i.interface, i.line);
    for (const v of i.vips) if (v.dev && !wanted.has(v.dev)) wanted.set(v.dev, i.line);
  }
  const out: Finding[] = [];
  for (const [ifname, line] of wanted) {
    const r = await ctx.sh('ip', ['-o', 'link', 'show', 'dev', ifname]);
    if (r.code !== 0) {
      out.push({ id: 'interface-missing', severity: 'error', where: at(ctx.cfg, line), what: `interface ${ifname} does not exist`,
        why: 'VRRP cannot send or receive on it: the instance stays in FAULT and its VIPs are never added',
        fix: `correct the interface name in the config (see \`ip -br link\`), or create ${ifname}` });
      continue;
    }
    const flags = /<([^>]*)>/.exec(r.stdout)?.[1]?.split(',') ?? [];
    if (!flags.includes('UP') || flags.includes('NO-CARRIER') || /state DOWN/.test(r.stdout)) {
      out.push({ id: 'interface-down', severity: 'error', where: at(ctx.cfg, line), what: `interface ${ifname} is down${flags.includes('NO-CARRIER') ? ' (no carrier)' : ''}`,
        why: 'an instance on a down interface goes to FAULT and gives up its VIPs',
        fix: flags.includes('UP') ? `check the cable/peer of ${ifname} (no carrier)` : `ip link set ${ifname} up` });
    }
  }
  return out;
}
