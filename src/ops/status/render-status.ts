import type { DaemonSnapshot, RealServerSnapshot, VirtualServerSnapshot, VrrpInstanceSnapshot } from '../snapshot.js';
import { formatHostPort } from '../metrics/kats-metrics.js';
import { formatAge, formatTable, formatWallTime } from './table.js';

/**
 * `ka-ts ctl status`: what keepalived's data dump and `ipvsadm -Ln` tell an operator, on one
 * screen: the daemon, each VRRP instance (state, priorities, who is master, when and why it last
 * changed, VIPs, tracking), sync groups, vrrp_scripts, then the virtual servers laid out like
 * `ipvsadm -Ln` with each real server's health and last check. `--json` prints the snapshot itself.
 */
export function renderStatus(snap: DaemonSnapshot): string {
  const out: string[] = [];
  const ago = (ms: number): string => `${formatWallTime(ms)} (${formatAge(snap.takenAtMs - ms)} ago)`;
  out.push(`ka-ts ${snap.version}, pid ${snap.pid}, up ${formatAge(snap.takenAtMs - snap.startedAtMs)}, config ${snap.configFile}` +
    (snap.routerId ? `, router_id ${snap.routerId}` : ''));
  if (snap.children && Object.keys(snap.children).length > 0) {
    out.push('Children: ' + Object.entries(snap.children).map(([name, c]) =>
      `${name} ${c.pid !== null ? `pid ${c.pid}` : 'NOT RUNNING'}${c.restarts > 0 ? ` (restarted ${c.restarts}x)` : ''}`).join(', '));
  }
  const r = snap.reloads;
  if (r.last) {
    out.push(`Reloads: ${r.total} (${r.failed} failed); last ${ago(r.last.atMs)} ${r.last.ok ? 'applied' : 'REJECTED'}: ${r.last.message}`);
  } else {
    out.push('Reloads: none');
  }

  out.push('', 'VRRP instances');
  if (snap.instances.length === 0) out.push('  (none configured)');
  else {
    const rows = [['Name', 'Interface', 'VRID', 'Ver', 'State', 'Prio', 'Eff', 'Master', 'Since', 'Reason']];
    for (const i of snap.instances) rows.push(instanceRow(i, ago));
    out.push(...formatTable(rows, '  '));
    for (const i of snap.instances) out.push(...instanceDetail(i));
  }

  if (snap.syncGroups.length > 0) {
    out.push('', 'Sync groups');
    out.push(...formatTable(snap.syncGroups.map((g) => [g.name, g.state, `members: ${g.members.join(', ')}`]), '  '));
  }

  if (snap.scripts.length > 0) {
    out.push('', 'VRRP scripts');
    out.push(...formatTable(snap.scripts.map((s) => [
      s.name, s.result + (s.running ? ' (running)' : ''),
      `weight ${s.weight}`, `interval ${s.intervalMs / 1000}s`, `timeout ${s.timeoutMs / 1000}s`, `rise ${s.rise} fall ${s.fall}`,
      ...(s.lastExitCode !== undefined ? [`last exit ${s.lastExitCode}`] : []), `'${s.command}'`,
    ]), '  '));
  }

  out.push('', 'IP Virtual Server (ka-ts view; the kernel table is `ipvsadm -Ln`)');
  if (snap.virtualServers.length === 0) out.push('  (no virtual servers)');
  else {
    // One-cell rows (the headings and each virtual server) span the line, as in ipvsadm.
    const rows: string[][] = [['Prot LocalAddress:Port Scheduler Flags'], ['  -> RemoteAddress:Port', 'Forward', 'Weight', 'State', 'Last check']];
    for (const vs of snap.virtualServers) {
      rows.push([virtualServerLine(vs)]);
      for (const rs of vs.realServers) rows.push(realServerRow(rs, snap.takenAtMs));
      if (vs.sorryServer) rows.push([`  -> ${vs.sorryServer} (sorry server)`, '', '', vs.sorryServerActive ? 'ACTIVE' : 'standby', '']);
    }
    out.push(...formatTable(rows));
  }
  return out.join('\n') + '\n';
}

function instanceRow(i: VrrpInstanceSnapshot, ago: (ms: number) => string): string[] {
  const master = i.state === 'MASTER' ? `${i.primaryAddress ?? 'this host'} (this host)`
    : i.masterAddress ? `${i.masterAddress}${i.masterPriority !== undefined ? ` prio ${i.masterPriority}` : ''}` : '-';
  return [
    i.name, i.interface, String(i.vrid), `v${i.version}`, i.state,
    String(i.basePriority), String(i.effectivePriority), master,
    i.lastTransition ? ago(i.lastTransition.atMs) : '-',
    i.lastTransition ? `${i.lastTransition.from ? `${i.lastTransition.from}->` : ''}${i.lastTransition.to}${i.lastTransition.reason ? `: ${i.lastTransition.reason}` : ''}` : '-',
  ];
}

function instanceDetail(i: VrrpInstanceSnapshot): string[] {
  const lines: string[] = [];
  const vips = i.vips.map((v) => `${v.address}/${v.prefixLen}${v.dev !== i.interface ? ` dev ${v.dev}` : ''}`);
  lines.push(`  ${i.name}: VIPs ${vips.length > 0 ? vips.join(', ') : '(none)'} ${i.vipsSet ? '[installed]' : '[not installed]'}` +
    (i.excludedVips.length > 0 ? `; excluded ${i.excludedVips.map((v) => `${v.address}/${v.prefixLen}`).join(', ')}` : ''));
  const flags = [
    `advert ${i.advertIntMs / 1000}s`,
    i.unicastPeers.length > 0 ? `unicast to ${i.unicastPeers.join(', ')}` : 'multicast',
    i.nopreempt ? 'nopreempt' : i.preemptDelayMs > 0 ? `preempt_delay ${i.preemptDelayMs / 1000}s` : 'preempt',
    ...(i.syncGroup ? [`sync group ${i.syncGroup}`] : []),
    ...(i.authType ? [`auth ${i.authType}`] : []),
  ];
  const entered = Object.entries(i.transitions ?? {}).map(([st, n]) => `${st} ${n}`);
  if (entered.length > 0) flags.push(`entered ${entered.join(', ')}`);
  lines.push(`  ${' '.repeat(i.name.length)}  ${flags.join(', ')}`);
  if (i.tracked.length > 0) {
    const t = i.tracked.map((o) => `${o.kind} ${o.name} ${o.up === undefined ? 'state unknown' : o.up ? 'UP' : 'DOWN'}` +
      (o.weight !== 0 ? ` weight ${o.weight}` : ' (fault if down)') + (o.appliedDelta ? ` applied ${o.appliedDelta > 0 ? '+' : ''}${o.appliedDelta}` : ''));
    lines.push(`  ${' '.repeat(i.name.length)}  tracking: ${t.join('; ')}`);
  }
  return lines;
}

function virtualServerLine(vs: VirtualServerSnapshot): string {
  const where = vs.fwmark !== undefined ? `FWM  ${vs.fwmark}` : vs.group ? `${vs.protocol}  group ${vs.group}` : `${vs.protocol}  ${vs.key}`;
  const flags = [vs.scheduler, ...(vs.persistenceTimeoutS !== undefined ? [`persistent ${vs.persistenceTimeoutS}`] : [])];
  const quorum = vs.quorum > 0 ? `  quorum ${vs.quorum} ${vs.quorumUp ? 'met' : 'LOST'}` : '';
  return `${where} ${flags.join(' ')}${quorum}`;
}

const FORWARD_NAMES: Readonly<Record<RealServerSnapshot['forwarding'], string>> = { NAT: 'Masq', DR: 'Route', TUN: 'Tunnel' };

function realServerRow(rs: RealServerSnapshot, now: number): string[] {
  const state = rs.alive ? 'UP' : rs.inTable ? 'DOWN (inhibited)' : 'DOWN';
  const checks = rs.checkers.map((c) => {
    const when = c.lastCheckAtMs !== undefined ? ` ${formatAge(now - c.lastCheckAtMs)} ago` : ' not yet run';
    const lat = c.lastLatencyMs !== undefined ? ` ${c.lastLatencyMs.toFixed(1)}ms` : '';
    return `${c.type} ${c.result}${lat}${when}${c.lastError ? `: ${c.lastError}` : ''}`;
  });
  return [`  -> ${formatHostPort(rs.address, rs.port)}`, FORWARD_NAMES[rs.forwarding], String(rs.currentWeight), state, checks.join('; ') || '(no checker)'];
}

/** `ka-ts ctl status --json`: the snapshot itself (its types are the documented contract). */
export function renderStatusJson(snap: DaemonSnapshot): string {
  return JSON.stringify(snap, null, 2) + '\n';
}
