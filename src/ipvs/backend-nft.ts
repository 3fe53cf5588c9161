// NAT load balancing with nftables, for kernels without IPVS: the table ka-ts owns
// (`table inet kats`) is changed in one atomic `nft -f -` transaction per batch. What nftables
// cannot express is reported as `unsupported`, never half-applied.
//
// Listing the table (`nft -j list table`) is the slow part: seconds at thousands of services, most
// of it in the kernel. So the backend keeps the table it last read and, because a transaction
// either commits whole or not at all, applies each committed batch to that model instead of
// listing the table again. It lists the table only when asked to read() (the reconciler does at
// start, on its drift timer and after a failure) and when it has no model (first use, or after a
// transaction failed: then the table is not what it thought).
import type { IpvsBackend } from './backend.js';
import type { ApplyResult, Change, ChangeOutcome } from './changes.js';
import { processRunner, type CommandRunner } from './command-runner.js';
import { withChanges } from './diff.js';
import { familyOf } from './address.js';
import { IpvsCommandError } from './errors.js';
import { nftSupports } from './nft-support.js';
import { parseNftJson, type NftReadResult } from './nft-read.js';
import { DISPATCH_MAP_NAMES, NFT_FAMILY, NFT_TABLE } from './nft-ruleset.js';
import { planNftTransaction } from './nft-transaction.js';
import { emptyTable, serviceKey, type Destination, type IpvsTable, type Service } from './table.js';

export interface NftBackendOptions {
  run?: CommandRunner;
  program?: string;
  /** Told about ruleset entries that did not match their comments (drift the next pass repairs). */
  onInconsistency?: (message: string) => void;
}

/**
 * -t (terse): leave out the contents of named sets, i.e. the persistence sets' clients, which can
 * be many and are not needed to rebuild the table. -p (numeric protocols): otherwise nft opens
 * /etc/protocols once per rule to print `tcp`; nft-read takes the protocol from the comments.
 */
const LIST_ARGS = ['-t', '-p', '-j', 'list', 'table', NFT_FAMILY, NFT_TABLE];
/** -t leaves out the dispatch maps' elements too: those are listed map by map. */
const mapListArgs = (map: string): string[] => ['-p', '-j', 'list', 'map', NFT_FAMILY, NFT_TABLE, map];

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
  /** The table as last read, with every transaction committed since; undefined = list it before the next change. */
  private model: NftReadResult | undefined;

  constructor(opts: NftBackendOptions = {}) {
    this.run = opts.run ?? processRunner();
    this.program = opts.program ?? 'nft';
    this.onInconsistency = opts.onInconsistency ?? (() => undefined);
  }

  /** The owned table with the names of its chains and sets; an absent table reads as empty. */
  async readRaw(): Promise<NftReadResult> {
    this.model = undefined;
    const r = await this.run(this.program, LIST_ARGS);
    if (r.code !== 0) {
      if (/No such file or directory/.test(r.stderr)) return (this.model = { table: emptyTable(), chains: [], sets: [], maps: [], inconsistencies: [] });
      throw new IpvsCommandError(`${this.program} ${LIST_ARGS.join(' ')}`, r.code, r.stderr);
    }
    // A map that is not there (a table in an older layout) lists as an error: it is then simply
    // absent from the result, and the next change rewrites the whole table.
    const mapTexts = (await Promise.all(DISPATCH_MAP_NAMES.map((m) => this.run(this.program, mapListArgs(m)))))
      .filter((m) => m.code === 0).map((m) => m.stdout);
    const res = parseNftJson(r.stdout, ...mapTexts);
    for (const m of res.inconsistencies) this.onInconsistency(m);
    this.model = res;
    return res;
  }

  /** Lists the table (never from the model: this is how drift is found). The result is shared: do not modify it. */
  async read(): Promise<IpvsTable> {
    return (await this.readRaw()).table;
  }

  /** What the backend believes the table is (the last read plus the transactions since), if it has a model. */
  known(): Readonly<NftReadResult> | undefined {
    return this.model;
  }

  async apply(changes: readonly Change[]): Promise<ApplyResult> {
    if (changes.length === 0) return { outcomes: [] };
    let base = this.model;
    if (!base) {
      try {
        base = await this.readRaw();
      } catch (e) {
        return { outcomes: changes.map((change) => ({ change, status: 'failed', error: (e as Error).message })) };
      }
    }
    const decided = new Map<Change, ChangeOutcome>();
    const accepted: Change[] = [];
    // Whether a service is in the table at this point of the batch (earlier changes may add or delete it).
    const present = new Map<string, boolean>();
    const has = (k: string): boolean => present.get(k) ?? (base as NftReadResult).table.services.has(k);
    for (const c of changes) {
      const why = this.problems(c, has);
      if (why.length > 0) { decided.set(c, { change: c, status: 'unsupported', error: why.join('; ') }); continue; }
      if (c.op === 'add-service') present.set(serviceKey(c.service.id), true);
      if (c.op === 'delete-service') present.set(serviceKey(c.service.id), false);
      accepted.push(c);
    }
    if (accepted.length > 0) {
      const model = withChanges(base.table, accepted);
      const tx = planNftTransaction(model, base, accepted);
      let error = '';
      if (tx.script) {
        try {
          const r = await this.run(this.program, ['-f', '-'], tx.script);
          if (r.code !== 0) error = r.stderr.trim() || `${this.program} -f exited ${r.code}`;
        } catch (e) {
          error = (e as Error).message;
        }
      }
      // Committed whole or not at all: on success the model moves on; on failure the table is not
      // what the model says (that is usually why it failed), so the next change lists it first.
      if (error) this.model = undefined;
      else this.model = { table: model, chains: [...tx.after.chains], sets: [...tx.after.sets], maps: [...tx.after.maps], inconsistencies: [] };
      for (const c of accepted) decided.set(c, error ? { change: c, status: 'failed', error } : { change: c, status: 'ok' });
    }
    return { outcomes: changes.map((c) => decided.get(c) as ChangeOutcome) };
  }

  private problems(c: Change, has: (serviceKey: string) => boolean): string[] {
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
        if (!has(serviceKey(c.service))) return [`service ${serviceKey(c.service)} is not in the nft table (not supported or not added)`];
        return destProblems(c.service, c.dest);
      case 'delete-dest':
        return [];
    }
  }
}
