// NAT load balancing with nftables, for kernels without IPVS: the table ka-ts owns
// (`table inet kats`) is rewritten in one atomic `nft -f -` transaction per batch and read back
// with `nft -j list table`. What nftables cannot express is reported as `unsupported`, never
// half-applied.
import type { IpvsBackend } from './backend.js';
import type { ApplyResult, Change, ChangeOutcome } from './changes.js';
import { processRunner, type CommandRunner } from './command-runner.js';
import { applyToTable } from './diff.js';
import { familyOf } from './address.js';
import { IpvsCommandError } from './errors.js';
import { nftSupports } from './nft-support.js';
import { parseNftJson, type NftReadResult } from './nft-read.js';
import { NFT_FAMILY, NFT_TABLE, renderNftDeleteTable, renderNftServicesTransaction, renderNftTransaction } from './nft-ruleset.js';
import { cloneTable, emptyTable, serviceKey, type Destination, type IpvsTable, type Service } from './table.js';
import { judgeChanges } from './verify.js';

export interface NftBackendOptions {
  run?: CommandRunner;
  program?: string;
  /** Told about ruleset entries that did not match their comments (drift the next pass repairs). */
  onInconsistency?: (message: string) => void;
}

function serviceProblems(s: Service): string[] {
  return nftSupports({ scheduler: s.scheduler, ops: s.ops, flags: s.flags, ...(s.persistenceEngine ? { persistenceEngine: s.persistenceEngine } : {}), realServers: [] });
}

function destProblems(s: Service['id'], d: Destination): string[] {
  const why = nftSupports({ scheduler: 'rr', realServers: [d] });
  if (s.kind === 'addr' && familyOf(d.address) !== s.family) why.push(`real_server ${d.address}: NAT cannot change the address family of ${serviceKey(s)}`);
  return why;
}

export class NftBackend implements IpvsBackend {
  readonly name = 'nft' as const;
  private readonly run: CommandRunner;
  private readonly program: string;
  private readonly onInconsistency: (m: string) => void;

  constructor(opts: NftBackendOptions = {}) {
    this.run = opts.run ?? processRunner();
    this.program = opts.program ?? 'nft';
    this.onInconsistency = opts.onInconsistency ?? (() => undefined);
  }

  /** The owned table with the names of its chains and sets; an absent table reads as empty. */
  async readRaw(): Promise<NftReadResult> {
    const r = await this.run(this.program, ['-j', 'list', 'table', NFT_FAMILY, NFT_TABLE]);
    if (r.code !== 0) {
      if (/No such file or directory/.test(r.stderr)) return { table: emptyTable(), chains: [], sets: [], inconsistencies: [] };
      throw new IpvsCommandError(`${this.program} -j list table ${NFT_FAMILY} ${NFT_TABLE}`, r.code, r.stderr);
    }
    const res = parseNftJson(r.stdout);
    for (const m of res.inconsistencies) this.onInconsistency(m);
    return res;
  }

  async read(): Promise<IpvsTable> {
    return (await this.readRaw()).table;
  }

  async apply(changes: readonly Change[]): Promise<ApplyResult> {
    if (changes.length === 0) return { outcomes: [] };
    let raw: NftReadResult;
    try {
      raw = await this.readRaw();
    } catch (e) {
      return { outcomes: changes.map((change) => ({ change, status: 'failed', error: (e as Error).message })) };
    }
    const model = cloneTable(raw.table);
    const decided = new Map<Change, ChangeOutcome>();
    const accepted: Change[] = [];
    for (const c of changes) {
      const why = this.problems(c, model);
      if (why.length > 0) { decided.set(c, { change: c, status: 'unsupported', error: why.join('; ') }); continue; }
      applyToTable(model, [c]);
      accepted.push(c);
    }
    if (accepted.length > 0) {
      // Destination changes only (health, weights): rewrite just the services they touch.
      // Anything else (services added, removed or edited) rewrites the table.
      const destOnly = accepted.every((c) => c.op === 'add-dest' || c.op === 'edit-dest' || c.op === 'delete-dest');
      const touched = new Set(accepted.map((c) => ('service' in c && 'dest' in c ? serviceKey(c.service) : '')));
      const script = model.services.size === 0
        ? (raw.chains.length > 0 ? renderNftDeleteTable() : '')
        : destOnly && raw.chains.length > 0
          ? renderNftServicesTransaction(model, { chains: raw.chains, sets: raw.sets }, touched)
          : renderNftTransaction(model, { chains: raw.chains, sets: raw.sets });
      let stderr = '';
      if (script) {
        try {
          const r = await this.run(this.program, ['-f', '-'], script);
          if (r.code !== 0) stderr = r.stderr || `nft exited ${r.code}`;
        } catch (e) {
          stderr = (e as Error).message;
        }
      }
      let after: IpvsTable | undefined;
      if (!stderr) {
        try { after = await this.read(); } catch (e) { stderr = `applied but could not read back: ${(e as Error).message}`; }
      }
      const judged = after ? judgeChanges(accepted, after, '') : accepted.map((change) => ({ change, status: 'failed' as const, error: stderr }));
      for (const o of judged) decided.set(o.change, o);
    }
    return { outcomes: changes.map((c) => decided.get(c) as ChangeOutcome) };
  }

  private problems(c: Change, model: IpvsTable): string[] {
    switch (c.op) {
      case 'set-timeouts':
        return ['lvs_timeouts are IPVS settings; with the nft backend set the conntrack timeouts (sysctl net.netfilter.nf_conntrack_*_timeout*) instead'];
      case 'start-sync-daemon':
      case 'stop-sync-daemon':
        return ['lvs_sync_daemon needs kernel IPVS; with nftables use conntrackd for connection sync'];
      case 'add-service':
      case 'edit-service':
        return serviceProblems(c.service);
      case 'delete-service':
        return [];
      case 'add-dest':
      case 'edit-dest':
        if (!model.services.has(serviceKey(c.service))) return [`service ${serviceKey(c.service)} is not in the nft table (not supported or not added)`];
        return destProblems(c.service, c.dest);
      case 'delete-dest':
        return [];
    }
  }
}
