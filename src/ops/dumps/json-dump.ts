import { VRRP_STATE_CODE, type DaemonSnapshot, type VrrpInstanceSnapshot } from '../snapshot.js';
import { formatVip } from './vip-format.js';
import { statValue } from './stats-dump.js';

/**
 * Renders /tmp/keepalived.json (SIGJSON) as keepalived 2.2.7's vrrp_json.c does: an array with
 * one `{"data": {...}, "stats": {...}}` object per instance, keepalived's field names and number
 * encodings (state codes 0..3, advert interval in seconds, last_transition as epoch seconds with
 * microseconds). Both exporters decode `data.iname`, `data.ifp_ifname`, `data.vrid`,
 * `data.state`, `data.wantstate`, `data.vips`, `data.garp_delay`, `data.last_transition` and the
 * `stats` counters. Fields keepalived prints that ka-ts has no equivalent for (vmac_ifname,
 * smtp_alert, ...) carry keepalived's value for "not in use".
 */
export function renderJsonDump(snap: DaemonSnapshot): string {
  const commands = new Map(snap.scripts.map((s) => [s.name, s.command]));
  const doc = snap.instances.map((i) => ({ data: instanceData(i, commands), stats: instanceStats(i) }));
  // keepalived's JSON writer escapes '/' as '\/'; do the same so the files compare byte-alike.
  // Safe as a whole-text replace: a '/' can only occur inside a JSON string.
  return JSON.stringify(doc).replace(/\//g, '\\/');
}

const secondsWithMicros = (ms: number): number => Math.round(ms * 1000) / 1e6;

function instanceData(i: VrrpInstanceSnapshot, commands: ReadonlyMap<string, string>): Record<string, unknown> {
  const g = i.garp;
  const data: Record<string, unknown> = {
    iname: i.name,
    dont_track_primary: i.dontTrackPrimary ? 1 : 0,
    skip_check_adv_addr: i.skipCheckAdvAddr ? 1 : 0,
    strict_mode: i.strictMode ? 1 : 0,
    vmac_ifname: '',
    ifp_ifname: i.interface,
    master_priority: i.state === 'BACKUP' ? (i.masterPriority ?? 0) : 0,
    last_transition: i.lastTransition ? secondsWithMicros(i.lastTransition.atMs) : 0,
    garp_delay: g?.delayS ?? 5,
    garp_refresh: g?.refreshS ?? 0,
    garp_rep: g?.repeat ?? 5,
    garp_refresh_rep: g?.refreshRepeat ?? 1,
    garp_lower_prio_delay: g?.lowerPrioDelayS ?? 5,
    garp_lower_prio_rep: g?.lowerPrioRepeat ?? 5,
    lower_prio_no_advert: 0,
    higher_prio_send_advert: 0,
    vrid: i.vrid,
    base_priority: i.basePriority,
    effective_priority: i.effectivePriority,
    vipset: i.vipsSet,
    promote_secondaries: false,
    adver_int: i.advertIntMs / 1000,
    master_adver_int: i.advertIntMs / 1000,
    accept: i.accept === false ? 0 : 1,
    nopreempt: i.nopreempt,
    preempt_delay: i.preemptDelayMs / 1000,
    state: VRRP_STATE_CODE[i.state],
    wantstate: VRRP_STATE_CODE[i.wantedState],
    version: i.version,
    smtp_alert: false,
    notify_deleted: false,
  };
  const n = i.notify;
  if (n?.backup) data.script_backup = `'${n.backup}'`;
  if (n?.master) data.script_master = `'${n.master}'`;
  if (n?.fault) data.script_fault = `'${n.fault}'`;
  if (n?.stop) data.script_stop = `'${n.stop}'`;
  if (n?.notify) data.script = `'${n.notify}'`;
  data.vips = i.vips.map((v) => formatVip(v, i.vipsSet));
  if (i.excludedVips.length > 0) data.evips = i.excludedVips.map((v) => formatVip(v, i.vipsSet));
  const ifs = i.tracked.filter((t) => t.kind === 'interface');
  if (ifs.length > 0) data.track_ifp = ifs.map((t) => t.name);
  const scripts = i.tracked.filter((t) => t.kind === 'script');
  // keepalived lists the tracked scripts by their command line, quoted.
  if (scripts.length > 0) data.track_script = scripts.map((t) => `'${commands.get(t.name) ?? t.name}'`);
  // auth_type as keepalived numbers it; the password itself (keepalived's auth_data) is left out
  // on purpose: a world-known /tmp path is no place for a secret.
  data.auth_type = i.authType === 'PASS' ? 1 : i.authType === 'AH' ? 2 : 0;
  return data;
}

function instanceStats(i: VrrpInstanceSnapshot): Record<string, number> {
  const c = i.counters;
  return {
    advert_rcvd: statValue(c.advertRcvd),
    advert_sent: statValue(c.advertSent),
    become_master: statValue(c.becomeMaster),
    release_master: statValue(c.releaseMaster),
    packet_len_err: statValue(c.packetLenErr),
    advert_interval_err: statValue(c.advertIntervalErr),
    ip_ttl_err: statValue(c.ipTtlErr),
    invalid_type_rcvd: statValue(c.invalidTypeRcvd),
    addr_list_err: statValue(c.addrListErr),
    invalid_authtype: statValue(c.invalidAuthtype),
    authtype_mismatch: statValue(c.authtypeMismatch),
    auth_failure: statValue(c.authFailure),
    pri_zero_rcvd: statValue(c.priZeroRcvd),
    pri_zero_sent: statValue(c.priZeroSent),
  };
}
