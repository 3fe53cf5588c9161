// TrafficBlockPort with nftables: a table ka-ts owns (`inet kats_vrrp`) whose input chain drops
// packets to the addresses in two sets, one per family, as keepalived's vrrp_strict firewall
// rules do. IPv6 neighbour discovery to the VIPs stays allowed, or neighbours could not resolve
// them. Changes are `nft -f -` transactions applied one after another; a failure is logged and
// counted, never fatal.
import { spawn } from 'node:child_process';
import { isIPv6 } from 'node:net';
import type { TrafficBlockPort } from './ports.js';

const TABLE = 'inet kats_vrrp';

function setupScript(): string {
  return [
    `add table ${TABLE}`,
    `add set ${TABLE} vips4 { type ipv4_addr; }`,
    `add set ${TABLE} vips6 { type ipv6_addr; }`,
    `add chain ${TABLE} input { type filter hook input priority -10; policy accept; }`,
    `flush chain ${TABLE} input`,
    `add rule ${TABLE} input ip daddr @vips4 counter drop`,
    `add rule ${TABLE} input ip6 daddr @vips6 icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept`,
    `add rule ${TABLE} input ip6 daddr @vips6 counter drop`,
  ].join('\n') + '\n';
}

function elements(op: 'add' | 'delete', addresses: string[]): string {
  const v4 = addresses.filter((a) => !isIPv6(a));
  const v6 = addresses.filter((a) => isIPv6(a));
  const lines: string[] = [];
  // The caller tracks what is blocked, so an address is never added twice nor deleted when
  // absent (nft refuses both).
  if (v4.length) lines.push(`${op} element ${TABLE} vips4 { ${v4.join(', ')} }`);
  if (v6.length) lines.push(`${op} element ${TABLE} vips6 { ${v6.join(', ')} }`);
  return lines.length ? lines.join('\n') + '\n' : '';
}

export class NftTrafficBlocker implements TrafficBlockPort {
  readonly counters = { applied: 0, failed: 0 };
  private chain: Promise<void> = Promise.resolve();
  private ready = false;
  private readonly blocked = new Set<string>();

  constructor(private readonly onError: (msg: string) => void, private readonly program = 'nft') {}

  block(addresses: string[]): void {
    const fresh = [...new Set(addresses)].filter((a) => !this.blocked.has(a));
    if (fresh.length === 0) return;
    for (const a of fresh) this.blocked.add(a);
    this.enqueue(() => (this.ready ? '' : setupScript()) + elements('add', fresh), () => { this.ready = true; });
  }

  unblock(addresses: string[]): void {
    const present = [...new Set(addresses)].filter((a) => this.blocked.has(a));
    if (present.length === 0) return;
    for (const a of present) this.blocked.delete(a);
    this.enqueue(() => elements('delete', present));
  }

  async close(): Promise<void> {
    await this.chain;
    if (!this.ready) return;
    this.blocked.clear();
    this.ready = false;
    await this.run(`delete table ${TABLE}\n`).catch((err: Error) => this.onError(`vrrp_strict: cannot remove table ${TABLE}: ${err.message}`));
  }

  private enqueue(script: () => string, after?: () => void): void {
    this.chain = this.chain.then(async () => {
      const text = script();
      if (!text) return;
      try {
        await this.run(text);
        this.counters.applied++;
        after?.();
      } catch (err) {
        this.counters.failed++;
        this.onError(`vrrp_strict: blocking traffic to the VIPs failed: ${(err as Error).message}`);
      }
    });
  }

  private run(script: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.program, ['-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(stderr.trim() || `nft exited ${code}`))));
      child.stdin.end(script);
    });
  }
}
