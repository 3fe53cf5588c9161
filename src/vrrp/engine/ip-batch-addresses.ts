// AddressPort over `ip -batch -`: one process per batch, however many VIPs move. `addr replace`
// makes adding an address that is already there a no-op; removing one that is already gone is
// not an error either (the kernel's "not found" answers are filtered out), so applying the same
// batch twice is harmless. Anything else the kernel refuses is reported as AddressChangeError.
import { spawn } from 'node:child_process';
import type { AddressPort, VipEntry } from './ports.js';

export class AddressChangeError extends Error {
  override readonly name = 'AddressChangeError';
  constructor(readonly failures: string[]) {
    super(`ip -batch: ${failures.join('; ')}`);
  }
}

function line(op: 'replace' | 'del', v: VipEntry): string {
  const v6 = v.cidr.includes(':');
  const cidr = v.cidr.includes('/') ? v.cidr : `${v.cidr}/${v6 ? 128 : 32}`;
  const parts = ['addr', op, cidr, 'dev', v.dev];
  if (op === 'replace') {
    if (v.brd) parts.push('broadcast', v.brd);
    if (v.scope) parts.push('scope', v.scope);
    if (v.label) parts.push('label', v.label);
    // keepalived adds IPv6 VIPs without duplicate address detection, so they are usable at once.
    if (v6) parts.push('nodad');
  }
  return parts.join(' ');
}

/** The batch text for a set of changes (removals first, so a moved address is re-added cleanly). */
export function batchText(add: VipEntry[], del: VipEntry[]): string {
  return [...del.map((v) => line('del', v)), ...add.map((v) => line('replace', v))].join('\n') + '\n';
}

const HARMLESS = [/Cannot assign requested address/, /Address not found/i, /No such process/];

export class IpBatchAddresses implements AddressPort {
  constructor(private readonly ipCommand = 'ip') {}

  apply(add: VipEntry[], del: VipEntry[]): Promise<void> {
    if (add.length === 0 && del.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const child = spawn(this.ipCommand, ['-force', '-batch', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
      child.on('error', (err) => reject(new AddressChangeError([`cannot run ${this.ipCommand}: ${err.message}`])));
      child.on('close', () => {
        const failures = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('Command failed') && !HARMLESS.some((re) => re.test(l)));
        if (failures.length > 0) reject(new AddressChangeError(failures));
        else resolve();
      });
      child.stdin.end(batchText(add, del));
    });
  }
}
