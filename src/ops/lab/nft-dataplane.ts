// For keepalived directors the lab programs the NAT dataplane itself, with ka-ts's nft backend run
// inside the director's namespace: keepalived 2.2.7 can only program kernel IPVS, which this
// machine lacks. Both directors get the same table; only the VIP holder receives the traffic.
import { NftBackend } from '../../ipvs/backend-nft.js';
import type { Change } from '../../ipvs/changes.js';
import { processRunner } from '../../ipvs/command-runner.js';
import { SCHEDULERS, type Scheduler } from '../../ipvs/table.js';
import type { LabVirtualServer } from './lab-config.js';

export class LabDataplaneError extends Error {
  constructor(message: string) { super(message); this.name = 'LabDataplaneError'; }
}

export function natChanges(vss: readonly LabVirtualServer[]): Change[] {
  const out: Change[] = [];
  for (const vs of vss.filter((v) => v.lbKind === 'NAT' && !v.address.includes(':'))) {
    const scheduler: Scheduler = (SCHEDULERS as readonly string[]).includes(vs.lbAlgo) ? (vs.lbAlgo as Scheduler) : 'rr';
    const id = { kind: 'addr' as const, family: 'inet' as const, protocol: vs.protocol, address: vs.address, port: vs.port };
    out.push({ op: 'add-service', service: { id, scheduler, ops: false, flags: [], ...(vs.persistenceTimeout ? { persistence: { timeout: vs.persistenceTimeout } } : {}) } });
    for (const rs of vs.realServers) out.push({ op: 'add-dest', service: id, dest: { address: rs.address, port: rs.port, method: 'masq', weight: rs.weight, upperThreshold: 0, lowerThreshold: 0 } });
  }
  return out;
}

/** Applies the NAT services to `ns`; returns notes about what nft could not express. */
export async function programLabNft(ns: string, vss: readonly LabVirtualServer[]): Promise<string[]> {
  const backend = new NftBackend({ run: processRunner(['ip', 'netns', 'exec', ns]) });
  const res = await backend.apply(natChanges(vss));
  const notes: string[] = [];
  for (const o of res.outcomes) {
    if (o.status === 'failed') throw new LabDataplaneError(`nft in ${ns}: ${o.change.op} failed: ${o.error ?? ''}`);
    if (o.status === 'unsupported') notes.push(`nft cannot express ${o.change.op}: ${o.error ?? ''}`);
  }
  return notes;
}
