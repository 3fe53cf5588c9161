import type { DaemonSnapshot, VrrpInstanceCounters } from '../snapshot.js';
import { formatTable } from './table.js';

/**
 * `ka-ts ctl stats`: every VRRP counter of every instance, keepalived's (as in
 * /tmp/keepalived.stats) and then each further drop reason ka-ts distinguishes.
 * `--json` prints `statsJson()`.
 */
const ROWS: readonly [string, keyof Omit<VrrpInstanceCounters, 'drops'>][] = [
  ['Adverts received', 'advertRcvd'],
  ['Adverts sent', 'advertSent'],
  ['Became master', 'becomeMaster'],
  ['Released master', 'releaseMaster'],
  ['Priority 0 received', 'priZeroRcvd'],
  ['Priority 0 sent', 'priZeroSent'],
  ['Drop: packet length', 'packetLenErr'],
  ['Drop: TTL/hop limit', 'ipTtlErr'],
  ['Drop: invalid type', 'invalidTypeRcvd'],
  ['Drop: advert interval', 'advertIntervalErr'],
  ['Drop: address list', 'addrListErr'],
  ['Drop: auth invalid type', 'invalidAuthtype'],
  ['Drop: auth type mismatch', 'authtypeMismatch'],
  ['Drop: auth failure', 'authFailure'],
];

export function renderStats(snap: DaemonSnapshot): string {
  if (snap.instances.length === 0) return 'No VRRP instances.\n';
  const out: string[] = [];
  for (const i of snap.instances) {
    if (out.length > 0) out.push('');
    out.push(`${i.name} (${i.interface}, vrid ${i.vrid}, v${i.version}) ${i.state}`);
    const rows: string[][] = ROWS.map(([label, key]) => [label, String(i.counters[key])]);
    const extra = Object.entries(i.counters.drops).sort(([a], [b]) => a.localeCompare(b));
    for (const [reason, n] of extra) rows.push([`Drop: ${reason}`, String(n)]);
    out.push(...formatTable(rows.map(([l, v]) => [`${l}:`, v!.padStart(10)]), '  '));
  }
  return out.join('\n') + '\n';
}

export interface StatsJson {
  readonly takenAtMs: number;
  readonly instances: readonly {
    readonly name: string;
    readonly interface: string;
    readonly vrid: number;
    readonly state: string;
    readonly counters: VrrpInstanceCounters;
  }[];
}

export function statsJson(snap: DaemonSnapshot): StatsJson {
  return {
    takenAtMs: snap.takenAtMs,
    instances: snap.instances.map((i) => ({ name: i.name, interface: i.interface, vrid: i.vrid, state: i.state, counters: i.counters })),
  };
}

/** `ka-ts ctl stats --json`. */
export function renderStatsJson(snap: DaemonSnapshot): string {
  return JSON.stringify(statsJson(snap), null, 2) + '\n';
}
