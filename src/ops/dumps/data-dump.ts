import type {
  DaemonSnapshot,
  NotifyScripts,
  SyncGroupSnapshot,
  VrrpInstanceSnapshot,
  VrrpScriptSnapshot,
} from '../snapshot.js';
import { keepalivedTimestamp } from './time-format.js';
import { formatVip } from './vip-format.js';

/**
 * Renders /tmp/keepalived.data (SIGUSR1) in keepalived 2.2.7's layout (vrrp_print.c /
 * vrrp_data.c dump functions): section banners `------< NAME >------`, a record header at one
 * space (` VRRP Instance = VI_1`), its fields at three spaces (`   Key = value`) and list items at
 * five. The exporters key on exactly that indentation:
 *  - mehdy/keepalived-exporter: a record starts at ` VRRP Instance =`, fields are lines starting
 *    with three spaces split on `=` (or `:`), VIPs are the five-space lines after
 *    `Virtual IP (N):`; any line with less indentation ends the record.
 *  - gen2brain/keepalived_exporter: same record rule; `Last transition` must start with a float.
 * Only fields ka-ts actually knows are printed; keepalived-internal ones (fd numbers, socket
 * pools, the interface table) are omitted rather than invented. keepalived's `   Flags: none`
 * line is left out on purpose: gen2brain's parser closes the record at the first field line
 * without `=`, so with it the exporter would lose the interface and VRID of every instance.
 */
export function renderDataDump(snap: DaemonSnapshot): string {
  const out: string[] = [];
  renderGlobals(out, snap);
  out.push('------< VRRP Topology >------');
  for (const inst of snap.instances) renderInstance(out, inst);
  if (snap.scripts.length > 0) {
    out.push('------< VRRP Scripts >------');
    for (const script of snap.scripts) renderScript(out, script);
  }
  if (snap.syncGroups.length > 0) {
    out.push('------< VRRP Sync groups >------');
    for (const group of snap.syncGroups) renderSyncGroup(out, group);
  }
  return out.join('\n') + '\n';
}

function renderGlobals(out: string[], snap: DaemonSnapshot): void {
  out.push('------< Global definitions >------');
  out.push(` Router ID = ${snap.routerId ?? '(none)'}`);
  out.push(' VRRP IPv4 mcast group = 224.0.0.18');
  out.push(' VRRP IPv6 mcast group = ff02::12');
}

const onOff = (b: boolean): string => (b ? 'enabled' : 'disabled');

function renderInstance(out: string[], i: VrrpInstanceSnapshot): void {
  out.push(` VRRP Instance = ${i.name}`);
  out.push(`   VRRP Version = ${i.version}`);
  if (i.syncGroup) out.push(`   Sync group = ${i.syncGroup}`);
  out.push(`   State = ${i.state}`);
  if (i.state === 'BACKUP' && i.masterAddress) {
    out.push(`   Master router = ${i.masterAddress}`);
    if (i.masterPriority !== undefined) out.push(`   Master priority = ${i.masterPriority}`);
  }
  out.push(`   Wantstate = ${i.wantedState}`);
  const tracked = i.tracked.filter((t) => t.up === false).length;
  out.push(`   Number of interface and track script faults = ${tracked}`);
  if (i.lastTransition) out.push(`   Last transition = ${keepalivedTimestamp(i.lastTransition.atMs)}`);
  if (i.masterDownIntervalMs !== undefined) out.push(`   Master down timer = ${Math.round(i.masterDownIntervalMs * 1000)} usecs`);
  out.push(`   Interface = ${i.interface}`);
  if (i.primaryAddress) out.push(`   Using src_ip = ${i.primaryAddress}`);
  if (i.garp) {
    out.push(`   Gratuitous ARP delay = ${i.garp.delayS}`);
    out.push(`   Gratuitous ARP repeat = ${i.garp.repeat}`);
    out.push(`   Gratuitous ARP refresh = ${i.garp.refreshS}`);
    out.push(`   Gratuitous ARP refresh repeat = ${i.garp.refreshRepeat}`);
    out.push(`   Gratuitous ARP lower priority delay = ${i.garp.lowerPrioDelayS}`);
    out.push(`   Gratuitous ARP lower priority repeat = ${i.garp.lowerPrioRepeat}`);
  }
  if (i.downTimerAdverts !== undefined) out.push(`   Down timer adverts = ${i.downTimerAdverts}`);
  out.push(`   Virtual Router ID = ${i.vrid}`);
  out.push(`   Priority = ${i.basePriority}`);
  out.push(`   Effective priority = ${i.effectivePriority}`);
  out.push(`   Total priority = ${i.effectivePriority}`);
  // keepalived prints whole seconds for v2 and milliseconds for v3 (vrrp_print.c).
  out.push(i.version === 2 ? `   Advert interval = ${Math.round(i.advertIntMs / 1000)} sec` : `   Advert interval = ${i.advertIntMs} milli-sec`);
  if (i.accept !== undefined) out.push(`   Accept = ${onOff(i.accept)}`);
  out.push(`   Preempt = ${onOff(!i.nopreempt)}`);
  if (i.preemptDelayMs > 0) out.push(`   Preempt delay = ${i.preemptDelayMs / 1000} secs`);
  if (i.authType === 'PASS') out.push('   Authentication type = SIMPLE_PASSWORD');
  else if (i.authType === 'AH') out.push('   Authentication type = IPSEC_AH');
  // keepalived prints this right after `Using src_ip`; it moves down here because it has no `=`,
  // which ends gen2brain's record, and everything the exporter needs must come before it.
  if (i.unicastPeers.length === 0) out.push(`   Multicast address ${i.family === 'inet6' ? 'ff02::12' : '224.0.0.18'}`);
  if (i.vips.length > 0) {
    out.push(`   Virtual IP (${i.vips.length}):`);
    for (const vip of i.vips) out.push(`     ${formatVip(vip, i.vipsSet)}`);
  }
  if (i.excludedVips.length > 0) {
    out.push('   Virtual IP Excluded :');
    for (const vip of i.excludedVips) out.push(`     ${formatVip(vip, i.vipsSet)}`);
  }
  if (i.unicastPeers.length > 0) {
    out.push('   Unicast Peer :');
    for (const peer of i.unicastPeers) out.push(`     ${peer}`);
  }
  renderTracked(out, i, 'interface', '   Tracked interfaces :');
  renderTracked(out, i, 'script', '   Tracked scripts :');
  renderTracked(out, i, 'file', '   Tracked files :');
  renderTracked(out, i, 'process', '   Tracked processes :');
  if (i.notify) renderNotify(out, i.notify);
}

function renderTracked(out: string[], i: VrrpInstanceSnapshot, kind: string, banner: string): void {
  const items = i.tracked.filter((t) => t.kind === kind);
  if (items.length === 0) return;
  out.push(banner);
  for (const t of items) out.push(`     ${t.name} weight ${t.weight}${t.up === false ? ' (down)' : ''}`);
}

/** `   Generic state transition script = '/path', uid:gid 0:0`, in keepalived's order. */
function renderNotify(out: string[], n: NotifyScripts): void {
  const ids = n.uid !== undefined && n.gid !== undefined ? `, uid:gid ${n.uid}:${n.gid}` : '';
  const rows: [string, string | undefined][] = [
    ['Backup', n.backup],
    ['Master', n.master],
    ['Fault', n.fault],
    ['Stop', n.stop],
    ['Generic', n.notify],
  ];
  for (const [label, cmd] of rows) if (cmd) out.push(`   ${label} state transition script = '${cmd}'${ids}`);
}

function renderScript(out: string[], s: VrrpScriptSnapshot): void {
  out.push(` VRRP Script = ${s.name}`);
  out.push(`   Command = '${s.command}'`);
  out.push(`   Interval = ${Math.round(s.intervalMs / 1000)} sec`);
  out.push(`   Timeout = ${Math.round(s.timeoutMs / 1000)} sec`);
  out.push(`   Weight = ${s.weight}`);
  out.push(`   Rise = ${s.rise}`);
  out.push(`   Fall = ${s.fall}`);
  out.push(`   Status = ${s.result}`);
  if (s.uid !== undefined && s.gid !== undefined) out.push(`   Script uid:gid = ${s.uid}:${s.gid}`);
  out.push('   Tracking instances :');
  for (const t of s.trackedBy ?? []) out.push(`     ${t.instance}, weight ${t.weight}`);
  out.push(`   State = ${s.running ? 'running' : 'idle'}`);
}

function renderSyncGroup(out: string[], g: SyncGroupSnapshot): void {
  out.push(` VRRP Sync Group = ${g.name}, ${g.state}`);
  out.push('   VRRP member instances :');
  for (const m of g.members) out.push(`     ${m}`);
  if (g.notify) renderNotify(out, g.notify);
}
