import type { DaemonSnapshot, VrrpInstanceSnapshot } from '../snapshot.js';

/**
 * Renders /tmp/keepalived.stats (SIGUSR2) in keepalived 2.2.7's layout (vrrp_print.c
 * vrrp_print_stats): `VRRP Instance: NAME` at column 0, sections at two spaces ending in `:`,
 * counters `Key: N` at four spaces, and `Became master` / `Released master` at two spaces.
 * Both exporters parse it by that indentation and `strconv.Atoi` every value, so every value
 * printed here is an integer.
 *
 * ka-ts distinguishes more drop reasons than keepalived's fixed counters; they follow in an extra
 * `Other Drops:` section (only when one is non-zero) whose keys the exporters ignore.
 */
export function renderStatsDump(snap: DaemonSnapshot): string {
  const out: string[] = [];
  for (const inst of snap.instances) renderInstanceStats(out, inst);
  return out.length > 0 ? out.join('\n') + '\n' : '';
}

/** A drop-reason code made safe for the `Key: N` layout (no colon, no line break). */
export function statsKey(code: string): string {
  return code.replace(/[:\r\n]/g, '_').trim() || 'unknown';
}

/** The exporters Atoi every value: print a whole, non-negative number whatever the engine handed us. */
export const statValue = (v: number): number => (Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);

function renderInstanceStats(out: string[], i: VrrpInstanceSnapshot): void {
  const c = i.counters;
  out.push(`VRRP Instance: ${i.name}`);
  out.push('  Advertisements:');
  out.push(`    Received: ${statValue(c.advertRcvd)}`);
  out.push(`    Sent: ${statValue(c.advertSent)}`);
  out.push(`  Became master: ${statValue(c.becomeMaster)}`);
  out.push(`  Released master: ${statValue(c.releaseMaster)}`);
  out.push('  Packet Errors:');
  out.push(`    Length: ${statValue(c.packetLenErr)}`);
  out.push(`    TTL: ${statValue(c.ipTtlErr)}`);
  out.push(`    Invalid Type: ${statValue(c.invalidTypeRcvd)}`);
  out.push(`    Advertisement Interval: ${statValue(c.advertIntervalErr)}`);
  out.push(`    Address List: ${statValue(c.addrListErr)}`);
  out.push('  Authentication Errors:');
  out.push(`    Invalid Type: ${statValue(c.invalidAuthtype)}`);
  out.push(`    Type Mismatch: ${statValue(c.authtypeMismatch)}`);
  out.push(`    Failure: ${statValue(c.authFailure)}`);
  out.push('  Priority Zero:');
  out.push(`    Received: ${statValue(c.priZeroRcvd)}`);
  out.push(`    Sent: ${statValue(c.priZeroSent)}`);
  const others = Object.entries(c.drops).filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b));
  if (others.length > 0) {
    out.push('  Other Drops:');
    for (const [code, n] of others) out.push(`    ${statsKey(code)}: ${statValue(n)}`);
  }
}
