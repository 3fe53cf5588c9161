// AddressManager: takes and releases VIPs, virtual_routes and virtual_rules as ONE `ip -batch`
// transaction per transition (moving 500 VIPs is one process and one netlink burst, not 500).
// ip infers the family of addresses and routes from the addresses on each line, but `ip rule`
// defaults to IPv4 whatever it names; IPv6 rules (and IPv6 routes naming no IPv6 address) need
// `ip -6`, so those go to a second, `-6` batch — only transitions with IPv6 rules pay for it. Idempotent, because the engine re-applies after restarts and reloads:
// - addresses use `address replace` (adding an existing VIP is not an error);
// - routes use `route replace`;
// - rules are `rule del` + `rule add` (the kernel happily stores duplicate rules);
// - deleting something already absent is not an error.
// `-force` keeps the batch going past a failing line; stderr says which line failed and why, and
// every failure that is not one of the idempotency cases above becomes an AddressBatchError.
import { spawn } from 'node:child_process';
import { isIPv6 } from 'node:net';
import type { AddressPort, VipEntry } from '../engine/ports.js';
import { AddressBatchError } from './errors.js';

export type { VipEntry };

export type IoFamily = 'ipv4' | 'ipv6';

/** A virtual_route / virtual_rule as `ip route` / `ip rule` arguments (keepalived-only words removed). */
export interface IpObjectSpec {
  family: IoFamily;
  words: string[];
}

export interface AddressTransaction {
  addAddresses?: VipEntry[];
  removeAddresses?: VipEntry[];
  addRoutes?: IpObjectSpec[];
  removeRoutes?: IpObjectSpec[];
  addRules?: IpObjectSpec[];
  removeRules?: IpObjectSpec[];
}

export interface AddressManagerCounters {
  /** `ip -batch` processes run. */
  batches: number;
  commands: number;
  /** Lines that failed for an idempotency reason (already absent) and were accepted. */
  alreadyDone: number;
  /** Lines that really failed. */
  failures: number;
}

interface BatchLine {
  family: IoFamily;
  /** The line names no address ip could infer the family from, so it must run under `ip -6`. */
  needsFamilyFlag: boolean;
  command: string;
  /** stderr text that means "already in the wanted state" for this line. */
  benign?: RegExp;
}

// keepalived keywords that are not ip(8) syntax.
const KEEPALIVED_ONLY_WORDS = new Set(['no_track']);

const ABSENT_ADDRESS = /Cannot assign requested address|address not found/i;
const ABSENT_ROUTE = /No such process/;
const ABSENT_RULE = /No such file or directory/;

export function vipFamily(v: VipEntry): IoFamily {
  return isIPv6(v.cidr.split('/')[0]!) ? 'ipv6' : 'ipv4';
}

function withPrefix(v: VipEntry): string {
  return v.cidr.includes('/') ? v.cidr : `${v.cidr}/${vipFamily(v) === 'ipv6' ? 128 : 32}`;
}

function cleanWords(words: string[]): string {
  return words.filter((w) => !KEEPALIVED_ONLY_WORDS.has(w)).join(' ');
}

/** The batch lines for a transaction, in a safe order (pure; exported for unit tests). */
export function batchLines(tx: AddressTransaction): BatchLine[] {
  const lines: BatchLine[] = [];
  const push = (l: Omit<BatchLine, 'needsFamilyFlag'>): void => {
    // A route with an IPv6 literal (it has a ':') is inferred as IPv6; rules never are.
    const inferred = !l.command.startsWith('rule ') && l.command.split(' ').some((w) => w.includes(':'));
    lines.push({ ...l, needsFamilyFlag: l.family === 'ipv6' && !inferred });
  };
  for (const r of tx.removeRules ?? []) push({ family: r.family, command: `rule del ${cleanWords(r.words)}`, benign: ABSENT_RULE });
  for (const r of tx.removeRoutes ?? []) push({ family: r.family, command: `route del ${cleanWords(r.words)}`, benign: ABSENT_ROUTE });
  for (const v of tx.removeAddresses ?? []) push({ family: vipFamily(v), command: `address del ${withPrefix(v)} dev ${v.dev}`, benign: ABSENT_ADDRESS });
  for (const v of tx.addAddresses ?? []) {
    const fam = vipFamily(v);
    const parts = [`address replace ${withPrefix(v)} dev ${v.dev}`];
    if (v.brd) parts.push(`broadcast ${v.brd}`);
    if (v.scope) parts.push(`scope ${v.scope}`);
    if (v.label) parts.push(`label ${v.label}`);
    // keepalived adds IPv6 VIPs with IFA_F_NODAD: a VIP must be usable the moment we are master.
    if (fam === 'ipv6') parts.push('nodad');
    push({ family: fam, command: parts.join(' ') });
  }
  for (const r of tx.addRoutes ?? []) push({ family: r.family, command: `route replace ${cleanWords(r.words)}` });
  for (const r of tx.addRules ?? []) {
    const words = cleanWords(r.words);
    push({ family: r.family, command: `rule del ${words}`, benign: ABSENT_RULE });
    push({ family: r.family, command: `rule add ${words}` });
  }
  return lines;
}

/** Maps `ip -force -batch` stderr to the failing line numbers (1-based) and their messages. */
export function parseBatchErrors(stderr: string): Map<number, string> {
  const out = new Map<number, string>();
  let pending: string[] = [];
  for (const line of stderr.split('\n')) {
    const m = /^Command failed (?:-|\S+):(\d+)\s*$/.exec(line);
    if (m) {
      out.set(Number(m[1]), pending.join(' ').trim() || 'failed');
      pending = [];
    } else if (line.trim()) {
      pending.push(line.trim());
    }
  }
  return out;
}

export class AddressManager implements AddressPort {
  readonly counters: AddressManagerCounters = { batches: 0, commands: 0, alreadyDone: 0, failures: 0 };

  /** `netns`: act inside that namespace (tests, lab); the daemon runs inside its own. */
  constructor(private readonly netns?: string) {}

  /** The engine's AddressPort: one transaction adding `add` and removing `del`. */
  async apply(add: VipEntry[], del: VipEntry[]): Promise<void> {
    await this.transact({ addAddresses: add, removeAddresses: del });
  }

  /** Removes whatever of these is present (stale VIPs, routes and rules left by a previous run). */
  async removeStale(tx: Pick<AddressTransaction, 'removeAddresses' | 'removeRoutes' | 'removeRules'>): Promise<number> {
    return (await this.transact(tx)).changed;
  }

  /**
   * Runs the transaction: one `ip -batch` (plus one `ip -6 -batch` only for IPv6 rules and
   * IPv6 routes that name no IPv6 address). Resolves with the number of lines
   * that changed something; rejects with AddressBatchError listing every real failure (the rest
   * of the batch has still been applied).
   */
  async transact(tx: AddressTransaction): Promise<{ changed: number }> {
    const lines = batchLines(tx);
    const failures: { command: string; error: string }[] = [];
    let changed = 0;
    for (const flagged of [false, true]) {
      const mine = lines.filter((l) => l.needsFamilyFlag === flagged);
      if (mine.length === 0) continue;
      const { stderr, spawnError } = await this.runBatch(flagged, mine.map((l) => l.command).join('\n') + '\n');
      this.counters.batches += 1;
      this.counters.commands += mine.length;
      if (spawnError) {
        this.counters.failures += mine.length;
        failures.push(...mine.map((l) => ({ command: l.command, error: spawnError })));
        continue;
      }
      const errors = parseBatchErrors(stderr);
      mine.forEach((l, i) => {
        const err = errors.get(i + 1);
        if (err === undefined) {
          changed += 1;
        } else if (l.benign?.test(err)) {
          this.counters.alreadyDone += 1;
        } else {
          this.counters.failures += 1;
          failures.push({ command: l.command, error: err });
        }
      });
    }
    if (failures.length > 0) throw new AddressBatchError(failures);
    return { changed };
  }

  private runBatch(ipv6Only: boolean, input: string): Promise<{ stderr: string; spawnError?: string }> {
    const args = [...(this.netns ? ['-n', this.netns] : []), ...(ipv6Only ? ['-6'] : []), '-force', '-batch', '-'];
    return new Promise((resolve) => {
      const child = spawn('ip', args, { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
      child.on('error', (err) => resolve({ stderr, spawnError: `cannot run ip: ${err.message}` }));
      child.on('close', () => resolve({ stderr }));
      child.stdin.on('error', () => { /* ip exited early; its stderr says why */ });
      child.stdin.end(input);
    });
  }
}
