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

function renderInstanceStats(out: string[], i: VrrpInstanceSnapshot): void {
  const c = i.counters;
  out.push(`VRRP Instance: ${i.name}`);
  out.push('  Advertisements:');
  out.push(`    Received: ${c.advertRcvd}`);
  out.push(`    Sent: ${c.advertSent}`);
  out.push(`  Became master: ${c.becomeMaster}`);
  out.push(`  Released master: ${c.releaseMaster}`);
  out.push('  Packet Errors:');
  out.push(`    Length: ${c.packetLenErr}`);
  out.push(`    TTL: ${c.ipTtlErr}`);
  out.push(`    Invalid Type: ${c.invalidTypeRcvd}`);
  out.push(`    Advertisement Interval: ${c.advertIntervalErr}`);
  out.push(`    Address List: ${c.addrListErr}`);
  out.push('  Authentication Errors:');
  out.push(`    Invalid Type: ${c.invalidAuthtype}`);
  out.push(`    Type Mismatch: ${c.authtypeMismatch}`);
  out.push(`    Failure: ${c.authFailure}`);
  out.push('  Priority Zero:');
  out.push(`    Received: ${c.priZeroRcvd}`);
  out.push(`    Sent: ${c.priZeroSent}`);
  const others = Object.entries(c.drops).filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b));
  if (others.length > 0) {
    out.push('  Other Drops:');
    for (const [code, n] of others) out.push(`    ${statsKey(code)}: ${n}`);
  }
}
