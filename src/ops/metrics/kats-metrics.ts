import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { VRRP_STATE_CODE, type DaemonSnapshot, type VrrpInstanceCounters, type VrrpInstanceSnapshot } from '../snapshot.js';

/**
 * Prometheus metrics built from a DaemonSnapshot on every scrape. Names follow the exporters
 * operators already scrape (mehdy/keepalived-exporter: keepalived_vrrp_state{iname,intf,vrid,ip_address},
 * keepalived_*_total{iname,intf,vrid,state}, keepalived_script_status{name}, ...), so existing
 * dashboards and alerts keep working; what those exporters cannot see (priorities, every drop
 * reason, checkers, real servers, reloads) is under the `kats_` prefix.
 *
 * Values are absolute counts from the engines, so every update clears the previous series
 * first: an instance or real server removed by a reload disappears instead of lingering.
 */

/** keepalived counter field → exporter metric name (mehdy's collector.go). */
const KEEPALIVED_COUNTERS: readonly [keyof Omit<VrrpInstanceCounters, 'drops'>, string, string][] = [
  ['advertRcvd', 'keepalived_advertisements_received_total', 'Advertisements received'],
  ['advertSent', 'keepalived_advertisements_sent_total', 'Advertisements sent'],
  ['becomeMaster', 'keepalived_become_master_total', 'Became master'],
  ['releaseMaster', 'keepalived_release_master_total', 'Released master'],
  ['packetLenErr', 'keepalived_packet_length_errors_total', 'Packet length errors'],
  ['advertIntervalErr', 'keepalived_advertisements_interval_errors_total', 'Advertisement interval errors'],
  ['ipTtlErr', 'keepalived_ip_ttl_errors_total', 'TTL errors'],
  ['invalidTypeRcvd', 'keepalived_invalid_type_received_total', 'Invalid type errors'],
  ['addrListErr', 'keepalived_address_list_errors_total', 'Address list errors'],
  ['invalidAuthtype', 'keepalived_authentication_invalid_total', 'Authentication invalid'],
  ['authtypeMismatch', 'keepalived_authentication_mismatch_total', 'Authentication mismatch'],
  ['authFailure', 'keepalived_authentication_failure_total', 'Authentication failure'],
  ['priZeroRcvd', 'keepalived_priority_zero_received_total', 'Priority zero received'],
  ['priZeroSent', 'keepalived_priority_zero_sent_total', 'Priority zero sent'],
];

/** The drop reasons among keepalived's counters, as `reason` label values of kats_vrrp_drops_total. */
const KEEPALIVED_DROP_REASONS: readonly [keyof Omit<VrrpInstanceCounters, 'drops'>, string][] = [
  ['packetLenErr', 'packet_length'],
  ['advertIntervalErr', 'advert_interval'],
  ['ipTtlErr', 'ip_ttl'],
  ['invalidTypeRcvd', 'invalid_type'],
  ['addrListErr', 'address_list'],
  ['invalidAuthtype', 'auth_invalid_type'],
  ['authtypeMismatch', 'auth_type_mismatch'],
  ['authFailure', 'auth_failure'],
];

/**
 * Counts from the snapshot as prom-client accepts them: a Counter throws on a negative or
 * non-finite increment, and one bad number must not turn every scrape into an error.
 */
const count = (v: number): number => (Number.isFinite(v) && v > 0 ? v : 0);

const INSTANCE_LABELS = ['iname', 'intf', 'vrid'] as const;
const COMMON_LABELS = ['iname', 'intf', 'vrid', 'state'] as const;
const RS_LABELS = ['virtual_server', 'protocol', 'real_server'] as const;
const CHECK_LABELS = ['virtual_server', 'protocol', 'real_server', 'checker', 'target'] as const;

export class KatsMetrics {
  readonly registry = new Registry();
  private readonly up: Gauge;
  private readonly vrrpState: Gauge;
  private readonly keepalivedCounters: Map<string, Counter>;
  private readonly garpDelay: Counter;
  private readonly scriptStatus: Gauge;
  private readonly scriptState: Gauge;
  private readonly instanceState: Gauge;
  private readonly priority: Gauge;
  private readonly effectivePriority: Gauge;
  private readonly lastTransition: Gauge;
  private readonly transitions: Counter;
  private readonly vipsSet: Gauge;
  private readonly drops: Counter;
  private readonly syncGroupState: Gauge;
  private readonly rsUp: Gauge;
  private readonly rsWeight: Gauge;
  private readonly vsQuorumUp: Gauge;
  private readonly checkUp: Gauge;
  private readonly checkLatency: Gauge;
  private readonly checkRuns: Counter;
  private readonly checkFailures: Counter;
  private readonly reloads: Counter;
  private readonly lastReloadOk: Gauge;
  private readonly lastReloadDuration: Gauge;
  private readonly lastReloadTime: Gauge;
  readonly scrapeErrors: Counter;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    const gauge = (name: string, help: string, labelNames: readonly string[] = []): Gauge => new Gauge({ name, help, labelNames, registers });
    const counter = (name: string, help: string, labelNames: readonly string[] = []): Counter => new Counter({ name, help, labelNames, registers });
    this.up = gauge('keepalived_up', 'Whether the daemon answered with its status (1) or not (0)');
    this.vrrpState = gauge('keepalived_vrrp_state', 'VRRP state per VIP (0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT)', ['iname', 'intf', 'vrid', 'ip_address']);
    this.keepalivedCounters = new Map(KEEPALIVED_COUNTERS.map(([field, name, help]) => [field, counter(name, help, COMMON_LABELS)]));
    this.garpDelay = counter('keepalived_gratuitous_arp_delay_total', 'Gratuitous ARP delay (seconds, as the keepalived exporter reports it)', COMMON_LABELS);
    this.scriptStatus = gauge('keepalived_script_status', 'vrrp_script status (0 BAD, 1 GOOD)', ['name']);
    this.scriptState = gauge('keepalived_script_state', 'vrrp_script state (0 idle, 1 running)', ['name']);
    this.instanceState = gauge('kats_vrrp_instance_state', 'VRRP instance state (0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT)', INSTANCE_LABELS);
    this.priority = gauge('kats_vrrp_priority', 'Configured VRRP priority', INSTANCE_LABELS);
    this.effectivePriority = gauge('kats_vrrp_effective_priority', 'Effective VRRP priority after tracking weights', INSTANCE_LABELS);
    this.lastTransition = gauge('kats_vrrp_last_transition_timestamp_seconds', 'Wall time of the last state transition', INSTANCE_LABELS);
    this.transitions = counter('kats_vrrp_transitions_total', 'State transitions, by the state entered', [...INSTANCE_LABELS, 'to']);
    this.vipsSet = gauge('kats_vrrp_vips_installed', 'Whether the instance\'s virtual addresses are installed on this host', INSTANCE_LABELS);
    this.drops = counter('kats_vrrp_drops_total', 'Received VRRP packets dropped, by reason', [...INSTANCE_LABELS, 'reason']);
    this.syncGroupState = gauge('kats_vrrp_sync_group_state', 'Sync group state (0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT)', ['group']);
    this.vsQuorumUp = gauge('kats_virtual_server_quorum_up', 'Whether the virtual server\'s quorum is met', ['virtual_server', 'protocol']);
    this.rsUp = gauge('kats_real_server_up', 'Real server healthy per its checkers (1) or not (0)', RS_LABELS);
    this.rsWeight = gauge('kats_real_server_weight', 'Real server weight currently in the IPVS table', RS_LABELS);
    this.checkUp = gauge('kats_checker_up', 'Last checker result (1 up, 0 down, -1 not yet known)', CHECK_LABELS);
    this.checkLatency = gauge('kats_checker_latency_seconds', 'Duration of the last check', CHECK_LABELS);
    this.checkRuns = counter('kats_checker_checks_total', 'Checks run', CHECK_LABELS);
    this.checkFailures = counter('kats_checker_failures_total', 'Checks that failed', CHECK_LABELS);
    this.reloads = counter('kats_reloads_total', 'Configuration reloads, by result', ['result']);
    this.lastReloadOk = gauge('kats_last_reload_success', 'Whether the last reload was applied (1) or rejected (0)');
    this.lastReloadDuration = gauge('kats_last_reload_duration_seconds', 'Time the last reload took');
    this.lastReloadTime = gauge('kats_last_reload_timestamp_seconds', 'Wall time of the last reload');
    this.scrapeErrors = counter('kats_metrics_snapshot_errors_total', 'Scrapes for which the daemon status could not be obtained');
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'kats_' });
  }

  /** Replaces every snapshot-derived series with the values in `snap`. */
  update(snap: DaemonSnapshot): void {
    this.clearSnapshotSeries();
    this.up.set(1);
    for (const inst of snap.instances) this.updateInstance(inst);
    for (const s of snap.scripts) {
      if (s.result !== 'INIT') this.scriptStatus.set({ name: s.name }, s.result === 'GOOD' ? 1 : 0);
      this.scriptState.set({ name: s.name }, s.running ? 1 : 0);
    }
    for (const g of snap.syncGroups) this.syncGroupState.set({ group: g.name }, VRRP_STATE_CODE[g.state]);
    for (const vs of snap.virtualServers) {
      this.vsQuorumUp.set({ virtual_server: vs.key, protocol: vs.protocol }, vs.quorumUp ? 1 : 0);
      for (const rs of vs.realServers) {
        const rsl = { virtual_server: vs.key, protocol: vs.protocol, real_server: formatHostPort(rs.address, rs.port) };
        this.rsUp.set(rsl, rs.alive ? 1 : 0);
        this.rsWeight.set(rsl, rs.currentWeight);
        for (const c of rs.checkers) {
          const cl = { ...rsl, checker: c.type, target: c.target };
          this.checkUp.set(cl, c.result === 'up' ? 1 : c.result === 'down' ? 0 : -1);
          if (c.lastLatencyMs !== undefined) this.checkLatency.set(cl, c.lastLatencyMs / 1000);
          this.checkRuns.inc(cl, count(c.checksRun));
          this.checkFailures.inc(cl, count(c.checksFailed));
        }
      }
    }
    this.reloads.inc({ result: 'ok' }, count(snap.reloads.total - snap.reloads.failed));
    this.reloads.inc({ result: 'failed' }, count(snap.reloads.failed));
    const last = snap.reloads.last;
    if (last) {
      this.lastReloadOk.set(last.ok ? 1 : 0);
      this.lastReloadDuration.set(last.durationMs / 1000);
      this.lastReloadTime.set(last.atMs / 1000);
    }
  }

  /** The daemon did not answer: report keepalived_up 0 and nothing stale. */
  markDown(): void {
    this.clearSnapshotSeries();
    this.up.set(0);
    this.scrapeErrors.inc();
  }

  private updateInstance(i: VrrpInstanceSnapshot): void {
    const il = { iname: i.name, intf: i.interface, vrid: String(i.vrid) };
    const cl = { ...il, state: i.state };
    const code = VRRP_STATE_CODE[i.state];
    // keepalived_vrrp_state has one series per VIP, labelled with the address as the exporter's
    // parseVIP takes it (word 0 of the dump line: "10.0.0.1/24").
    for (const vip of i.vips) this.vrrpState.set({ ...il, intf: vip.dev, ip_address: `${vip.address}/${vip.prefixLen}` }, code);
    for (const [field] of KEEPALIVED_COUNTERS) this.keepalivedCounters.get(field)!.inc(cl, count(i.counters[field]));
    this.garpDelay.inc(cl, count(i.garp?.delayS ?? 0));
    this.instanceState.set(il, code);
    this.priority.set(il, i.basePriority);
    this.effectivePriority.set(il, i.effectivePriority);
    if (i.lastTransition) this.lastTransition.set(il, i.lastTransition.atMs / 1000);
    this.vipsSet.set(il, i.vipsSet ? 1 : 0);
    for (const [to, n] of Object.entries(i.transitions ?? {})) this.transitions.inc({ ...il, to }, count(n ?? 0));
    for (const [field, reason] of KEEPALIVED_DROP_REASONS) this.drops.inc({ ...il, reason }, count(i.counters[field]));
    for (const [reason, n] of Object.entries(i.counters.drops)) this.drops.inc({ ...il, reason }, count(n));
  }

  private clearSnapshotSeries(): void {
    for (const m of [this.up, this.vrrpState, this.garpDelay, this.scriptStatus, this.scriptState, this.instanceState,
      this.priority, this.effectivePriority, this.lastTransition, this.transitions, this.vipsSet, this.drops, this.syncGroupState,
      this.rsUp, this.rsWeight, this.vsQuorumUp, this.checkUp, this.checkLatency, this.checkRuns, this.checkFailures,
      this.reloads, this.lastReloadOk, this.lastReloadDuration, this.lastReloadTime, ...this.keepalivedCounters.values()]) m.reset();
  }
}

/** "192.168.1.10:80", "[2001:db8::1]:80" */
export function formatHostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
