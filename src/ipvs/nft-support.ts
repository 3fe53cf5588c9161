// What the nft backend can express. nftables has no per-destination connection counts, so the
// least-connection family of schedulers, thresholds and overflow cannot be emulated; it only does
// NAT (DR and TUN need IPVS in the kernel). The config check calls nftSupports() to reject such a
// virtual_server up front when --ipvs-backend nft is chosen.
import type { ForwardMethod, SchedFlag, Scheduler } from './table.js';

export const NFT_SCHEDULERS: readonly Scheduler[] = ['rr', 'wrr', 'sh'];

export interface NftCheckRealServer {
  address: string;
  method: ForwardMethod;
  upperThreshold?: number;
  lowerThreshold?: number;
}

/** Structurally satisfied by VirtualServerSpec; also built from a ServiceEntry by the backend. */
export interface NftCheckInput {
  scheduler: Scheduler;
  ops?: boolean;
  flags?: readonly SchedFlag[];
  persistenceEngine?: string;
  realServers: readonly NftCheckRealServer[];
  sorryServer?: NftCheckRealServer;
}

const METHOD_NAME: Record<ForwardMethod, string> = { masq: 'NAT', route: 'DR', tunnel: 'TUN' };

/** Reasons the nft backend cannot carry this virtual server; empty when it can. */
export function nftSupports(vs: NftCheckInput): string[] {
  const why: string[] = [];
  if (!NFT_SCHEDULERS.includes(vs.scheduler)) {
    why.push(`lb_algo ${vs.scheduler} needs per-destination connection state that nftables does not keep; the nft backend supports rr, wrr and sh (use --ipvs-backend ipvsadm on a kernel with IPVS)`);
  }
  if (vs.ops) why.push('ops (one-packet scheduling) is not possible with nftables NAT, which balances per connection');
  for (const f of vs.flags ?? []) {
    if (f !== 'sh-port' || vs.scheduler !== 'sh') why.push(`scheduler flag ${f} is not supported by the nft backend (only sh-port with lb_algo sh)`);
  }
  if (vs.persistenceEngine) why.push(`persistence_engine ${vs.persistenceEngine} is not supported by the nft backend`);
  const servers = vs.sorryServer ? [...vs.realServers, vs.sorryServer] : vs.realServers;
  for (const rs of servers) {
    if (rs.method !== 'masq') why.push(`real_server ${rs.address}: lvs_method ${METHOD_NAME[rs.method]} needs kernel IPVS; the nft backend only does NAT`);
    if (rs.upperThreshold || rs.lowerThreshold) why.push(`real_server ${rs.address}: uthreshold/lthreshold need connection counts; not supported by the nft backend`);
  }
  return why;
}
