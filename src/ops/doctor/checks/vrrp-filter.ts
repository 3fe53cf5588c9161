// VRRP (IP protocol 112) must not be dropped by nftables or iptables: a backup that cannot hear
// the master becomes MASTER too (split brain), and both answer for the VIP.
import type { DoctorContext } from '../context.js';
import type { Finding } from '../finding.js';

const VRRP_MATCH = /\b(ip protocol|meta l4proto|ip6 nexthdr)\s+(vrrp|112)\b/;

export interface NftVrrpProblem { table: string; chain: string; rule?: string; policyDrop: boolean }

/** Scans `nft list ruleset` text for rules dropping VRRP and input chains dropping by policy without accepting it. Pure. */
export function scanNftRuleset(text: string): NftVrrpProblem[] {
  const out: NftVrrpProblem[] = [];
  let table = '';
  let chain = '';
  let hookInput = false;
  let policyDrop = false;
  let accepts = false;
  const close = (): void => {
    if (chain && hookInput && policyDrop && !accepts) out.push({ table, chain, policyDrop: true });
    chain = ''; hookInput = false; policyDrop = false; accepts = false;
  };
  for (const raw of text.split('\n')) {
    const l = raw.trim();
    const t = /^table (\S+) (\S+) \{/.exec(l);
    if (t) { close(); table = `${t[1]} ${t[2]}`; continue; }
    const c = /^chain (\S+) \{/.exec(l);
    if (c) { close(); chain = c[1]!; continue; }
    if (/type filter hook input/.test(l)) { hookInput = true; policyDrop = /policy drop/.test(l); continue; }
    if (VRRP_MATCH.test(l)) {
      if (/\b(drop|reject)\b/.test(l)) out.push({ table, chain, rule: l, policyDrop: false });
      if (/\baccept\b/.test(l)) accepts = true;
    }
  }
  close();
  return out;
}

/** Lines of `iptables-save` that drop or reject protocol 112. Pure. */
export function scanIptablesSave(text: string): string[] {
  return text.split('\n').filter((l) => /^-A /.test(l) && /-p (vrrp|112)\b/.test(l) && /-j (DROP|REJECT)\b/.test(l));
}

export async function checkVrrpFilter(ctx: DoctorContext): Promise<Finding[]> {
  const out: Finding[] = [];
  const why = 'the backup stops hearing the master, declares it dead and becomes MASTER too: both hold the VIP (split brain)';
  const nft = await ctx.sh('nft', ['list', 'ruleset']);
  if (nft.code === 0) {
    for (const p of scanNftRuleset(nft.stdout)) {
      out.push(p.policyDrop
        ? { id: 'vrrp-filtered', severity: 'error', what: `nftables chain ${p.table} ${p.chain} drops by policy and never accepts VRRP (IP protocol 112)`, why,
            fix: `nft insert rule ${p.table} ${p.chain} ip protocol vrrp accept` }
        : { id: 'vrrp-filtered', severity: 'error', what: `nftables rule in ${p.table} ${p.chain} drops VRRP: ${p.rule}`, why,
            fix: `nft -a list chain ${p.table} ${p.chain}  # find the rule's handle, then: nft delete rule ${p.table} ${p.chain} handle N` });
    }
  }
  const ipt = await ctx.sh('iptables-save', []);
  if (ipt.code === 0) {
    for (const l of scanIptablesSave(ipt.stdout)) {
      out.push({ id: 'vrrp-filtered', severity: 'error', what: `iptables rule drops VRRP: ${l}`, why, fix: `iptables ${l.replace(/^-A /, '-D ')}` });
    }
  }
  return out;
}
