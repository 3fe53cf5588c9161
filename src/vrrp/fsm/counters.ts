// Per-instance statistics, named like keepalived's vrrp_stats so the daemon can dump them as
// keepalived.stats / JSON and feed the same exporter metrics.
import { DROP_REASONS, DROP_REASON_STAT, type DropReason } from '../packet/drop-reason.js';

export interface VrrpCounters {
  advertsSent: number;
  advertsReceived: number;
  becomeMaster: number;
  releaseMaster: number;
  priorityZeroSent: number;
  priorityZeroReceived: number;
  /** Each DropReason, counted separately. */
  drops: Record<DropReason, number>;
}

export function newCounters(): VrrpCounters {
  const drops = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;
  return { advertsSent: 0, advertsReceived: 0, becomeMaster: 0, releaseMaster: 0, priorityZeroSent: 0, priorityZeroReceived: 0, drops };
}

/** keepalived's STATS_CLEAR: every counter back to zero, in place (holders keep their reference). */
export function resetCounters(c: VrrpCounters): void {
  Object.assign(c, newCounters());
}

/**
 * The counters under keepalived's statistic names (as the exporters read them, e.g.
 * `advertisements_received`, `packet_length_errors`), plus ka-ts's own for drops keepalived does not
 * count (prefixed `ka-ts:` in DROP_REASON_STAT, here without the prefix).
 */
export function keepalivedStats(c: VrrpCounters): Record<string, number> {
  const out: Record<string, number> = {
    advertisements_received: c.advertsReceived,
    advertisements_sent: c.advertsSent,
    become_master: c.becomeMaster,
    release_master: c.releaseMaster,
    priority_zero_received: c.priorityZeroReceived,
    priority_zero_sent: c.priorityZeroSent,
    packet_length_errors: 0,
    ip_ttl_errors: 0,
    invalid_type_received: 0,
    address_list_errors: 0,
    authentication_invalid: 0,
    authentication_mismatch: 0,
    authentication_failure: 0,
    advertisements_interval_errors: 0,
  };
  for (const r of DROP_REASONS) {
    const name = DROP_REASON_STAT[r].replace(/^ka-ts:/, '');
    out[name] = (out[name] ?? 0) + c.drops[r];
  }
  return out;
}
