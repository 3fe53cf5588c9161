// global_defs keywords (keepalived 2.2.7 core/global_parser.c).
import type { GlobalDefs, LvsSyncDaemon } from '../../src/config/model.js';
import { familyOf } from '../addresses.js';
import { flag, int, line, needArgs, parseNumber, raw, seconds, str, type KeywordSpec, type Table } from '../keyword-table.js';

export function defaultGlobalDefs(): GlobalDefs {
  return {
    notificationEmail: [],
    smtpConnectTimeoutMs: 30_000,
    enableScriptSecurity: false,
    vrrpVersion: 2,
    vrrpStrict: false,
    vrrpMcastGroup4: '224.0.0.18',
    vrrpMcastGroup6: 'ff02::12',
    vrrpGarpMasterDelayMs: 5000,
    vrrpGarpMasterRepeat: 5,
    vrrpGarpMasterRefreshMs: 0,
    vrrpGarpMasterRefreshRepeat: 1,
    vrrpGarpIntervalMs: 0,
    vrrpGnaIntervalMs: 0,
    vrrpLowerPrioNoAdvert: false,
    vrrpHigherPrioSendAdvert: false,
    vrrpSkipCheckAdvAddr: false,
    vrrpCheckUnicastSrc: false,
    dynamicInterfaces: false,
    lvsTimeouts: { tcpMs: 0, tcpFinMs: 0, udpMs: 0 },
    lvsFlush: false,
    extra: {},
  };
}

const notificationEmail: KeywordSpec<GlobalDefs> = {
  keyword: 'notification_email',
  block: true,
  handle(ctx, stmt, g) {
    const kids = stmt.children ?? [];
    if (kids.length === 0) ctx.sink.warning('empty-notification-email', 'empty notification_email block', stmt.keyword.loc);
    for (const c of kids) g.notificationEmail.push(c.keyword.text, ...c.args.map((a) => a.text));
  },
  render: (g) => (g.notificationEmail.length ? [{ words: ['notification_email'], children: g.notificationEmail.map((e) => line(e)) }] : []),
};

const smtpServer: KeywordSpec<GlobalDefs> = {
  keyword: 'smtp_server',
  handle(ctx, stmt, g) {
    if (!needArgs(ctx, stmt, 1)) return;
    let port = 25;
    if (stmt.args[1]) {
      const p = parseNumber(ctx, stmt.args[1], 1, 65535, true, 'smtp_server port');
      if (p === undefined) return;
      port = p;
    }
    const host = stmt.args[0]!;
    // An IP address or a DNS name (letters, digits, '-', '.'): keepalived rejects anything else.
    if (!familyOf(host.text) && !/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/.test(host.text)) {
      ctx.sink.warning('invalid-smtp-server', `smtp_server '${host.text}' is neither an IP address nor a host name - ignored`, host.loc);
      return;
    }
    g.smtpServer = { address: host.text, port };
  },
  render: (g) => (g.smtpServer ? [g.smtpServer.port === 25 ? line('smtp_server', g.smtpServer.address) : line('smtp_server', g.smtpServer.address, g.smtpServer.port)] : []),
};

const scriptUser: KeywordSpec<GlobalDefs> = {
  keyword: 'script_user',
  handle(ctx, stmt, g) {
    if (!needArgs(ctx, stmt, 1)) return;
    g.scriptUser = stmt.args[1] ? { user: stmt.args[0]!.text, group: stmt.args[1].text } : { user: stmt.args[0]!.text };
  },
  render: (g) => (g.scriptUser ? [g.scriptUser.group ? line('script_user', g.scriptUser.user, g.scriptUser.group) : line('script_user', g.scriptUser.user)] : []),
};

const lvsTimeouts: KeywordSpec<GlobalDefs> = {
  keyword: 'lvs_timeouts',
  handle(ctx, stmt, g) {
    if (!needArgs(ctx, stmt, 2)) return;
    const keys = { tcp: 'tcpMs', tcpfin: 'tcpFinMs', udp: 'udpMs' } as const;
    for (let i = 0; i < stmt.args.length; i += 2) {
      const k = stmt.args[i]!;
      const field = keys[k.text as keyof typeof keys];
      const v = stmt.args[i + 1];
      if (!field || !v) {
        ctx.sink.warning('lvs-timeouts', `lvs_timeouts: expected 'tcp|tcpfin|udp SECONDS', got '${k.text}'`, k.loc);
        continue;
      }
      const n = parseNumber(ctx, v, 0, 86400 * 31, true, `lvs_timeouts ${k.text}`);
      if (n !== undefined) g.lvsTimeouts[field] = n * 1000;
    }
  },
  render: (g) => {
    const w: Array<string | number> = [];
    if (g.lvsTimeouts.tcpMs) w.push('tcp', g.lvsTimeouts.tcpMs / 1000);
    if (g.lvsTimeouts.tcpFinMs) w.push('tcpfin', g.lvsTimeouts.tcpFinMs / 1000);
    if (g.lvsTimeouts.udpMs) w.push('udp', g.lvsTimeouts.udpMs / 1000);
    return w.length ? [line('lvs_timeouts', ...w)] : [];
  },
};

/** `lvs_sync_daemon IF [[inst] INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group ADDR]`. */
export function parseSyncDaemon(ctx: Parameters<KeywordSpec<GlobalDefs>['handle']>[0], stmt: Parameters<KeywordSpec<GlobalDefs>['handle']>[1]): LvsSyncDaemon | undefined {
  if (!needArgs(ctx, stmt, 1)) return undefined;
  const out: LvsSyncDaemon = { interface: stmt.args[0]!.text, instance: '', loc: stmt.keyword.loc };
  const a = stmt.args;
  for (let i = 1; i < a.length; i++) {
    const k = a[i]!.text;
    const v = a[i + 1];
    const num = (min: number, max: number): number | undefined => (v ? parseNumber(ctx, v, min, max, true, `lvs_sync_daemon ${k}`) : undefined);
    if (k === 'inst' && v) { out.instance = v.text; i++; }
    else if (k === 'id') { const n = num(0, 255); if (n !== undefined) out.syncId = n; i++; }
    else if (k === 'maxlen') { const n = num(1, 65507); if (n !== undefined) out.maxlen = n; i++; }
    else if (k === 'port') { const n = num(1, 65535); if (n !== undefined) out.port = n; i++; }
    else if (k === 'ttl') { const n = num(1, 255); if (n !== undefined) out.ttl = n; i++; }
    else if (k === 'group' && v) {
      if (!familyOf(v.text)) ctx.sink.warning('lvs-sync-group', `lvs_sync_daemon group '${v.text}' is not an IP address`, v.loc);
      else out.group = v.text;
      i++;
    } else if (i === 1 && out.instance === '') out.instance = k;
    else ctx.sink.warning('lvs-sync-option', `lvs_sync_daemon: unknown option '${k}'`, a[i]!.loc);
  }
  return out;
}

export function renderSyncDaemon(kw: string, d: LvsSyncDaemon): string[] {
  const w = [kw, d.interface];
  if (d.instance) w.push('inst', d.instance);
  if (d.syncId !== undefined) w.push('id', String(d.syncId));
  if (d.maxlen !== undefined) w.push('maxlen', String(d.maxlen));
  if (d.port !== undefined) w.push('port', String(d.port));
  if (d.ttl !== undefined) w.push('ttl', String(d.ttl));
  if (d.group !== undefined) w.push('group', d.group);
  return w;
}

const lvsSyncDaemon: KeywordSpec<GlobalDefs> = {
  keyword: 'lvs_sync_daemon',
  aliases: [{ name: 'lvs_sync_daemon_interface' }],
  handle(ctx, stmt, g) {
    const d = parseSyncDaemon(ctx, stmt);
    if (d) g.lvsSyncDaemon = d;
  },
  render: (g) => (g.lvsSyncDaemon ? [{ words: renderSyncDaemon('lvs_sync_daemon', g.lvsSyncDaemon) }] : []),
};

const maxAutoPriority: KeywordSpec<GlobalDefs> = {
  keyword: 'max_auto_priority',
  handle(ctx, stmt, g) {
    if (!stmt.args[0]) { g.maxAutoPriority = -1; return; }
    const n = parseNumber(ctx, stmt.args[0], -1, 99, true, 'max_auto_priority');
    if (n !== undefined) g.maxAutoPriority = n;
  },
  render: (g) => (g.maxAutoPriority === undefined ? [] : g.maxAutoPriority === -1 ? [line('max_auto_priority')] : [line('max_auto_priority', g.maxAutoPriority)]),
};

const mcastGroup = (keyword: string, field: 'vrrpMcastGroup4' | 'vrrpMcastGroup6', fam: 'inet' | 'inet6', dflt: string): KeywordSpec<GlobalDefs> => ({
  keyword,
  handle(ctx, stmt, g) {
    if (!needArgs(ctx, stmt, 1)) return;
    const t = stmt.args[0]!;
    const isMulticast = fam === 'inet' ? /^2(2[4-9]|3\d)\./.test(t.text) : /^ff/i.test(t.text);
    if (familyOf(t.text) !== fam) ctx.sink.warning('mcast-group', `${keyword}: '${t.text}' is not an ${fam === 'inet' ? 'IPv4' : 'IPv6'} address - ignored`, t.loc);
    else if (!isMulticast) ctx.sink.warning('mcast-group', `${keyword}: ${t.text} is not a multicast address (${fam === 'inet' ? '224.0.0.0/4' : 'ff00::/8'}) - ignored`, t.loc);
    else g[field] = t.text;
  },
  render: (g) => (g[field] === dflt ? [] : [line(keyword, g[field])]),
});

/** Keywords keepalived accepts in global_defs that ka-ts keeps verbatim (no behaviour in ka-ts). */
const RAW_GLOBAL = [
  'smtp_alert', 'smtp_alert_vrrp', 'smtp_alert_checker', 'checker_log_all_failures', 'no_email_faults',
  'lvs_flush_onstop', 'vrrp_min_garp', 'vrrp_iptables', 'vrrp_ipsets', 
  'nftables_counters', 'nftables_ifindex', 'vrrp_no_swap', 'checker_no_swap', 'bfd_no_swap', 'vrrp_rt_priority',
  'checker_rt_priority', 'bfd_rt_priority', 'vrrp_rlimit_rttime', 'vrrp_rlimit_rtime', 'checker_rlimit_rttime',
  'checker_rlimit_rtime', 'bfd_rlimit_rttime', 'bfd_rlimit_rtime', 'bfd_priority', 'snmp_socket',
  'enable_snmp_vrrp', 'enable_snmp_keepalived', 'enable_snmp_rfc', 'enable_snmp_rfcv2', 'enable_snmp_rfcv3',
  'enable_snmp_checker', 'enable_traps', 'enable_dbus', 'dbus_service_name', 'notify_fifo_script',
  'vrrp_notify_fifo_script', 'lvs_notify_fifo_script', 'vrrp_netlink_cmd_rcv_bufs', 'vrrp_netlink_cmd_rcv_bufs_force',
  'vrrp_netlink_monitor_rcv_bufs', 'vrrp_netlink_monitor_rcv_bufs_force', 'lvs_netlink_cmd_rcv_bufs',
  'lvs_netlink_cmd_rcv_bufs_force', 'lvs_netlink_monitor_rcv_bufs', 'lvs_netlink_monitor_rcv_bufs_force',
  'process_monitor_rcv_bufs', 'process_monitor_rcv_bufs_force', 'vrrp_startup_delay', 'log_unknown_vrids',
  'min_auto_priority_delay', 'vrrp_garp_extra_if', 'default_interface', 'net_namespace', 'net_namespace_ipvs',
  'namespace_with_ipsets', 'instance', 'use_pid_dir', 'linkbeat_use_polling', 'child_wait_time', 'process_names',
  'process_name', 'vrrp_process_name', 'checker_process_name', 'bfd_process_name', 'startup_script',
  'startup_script_timeout', 'shutdown_script', 'shutdown_script_timeout', 'tmp_config_directory', 'config_save_dir',
  'fifo_write_vrrp_states_on_reload', 'umask', 'random_seed', 'reload_check_config', 'reload_time_file',
  'reload_repeat', 'reload_file', 'data_use_instance', 'vrrp_cpu_affinity', 'checker_cpu_affinity',
  'bfd_cpu_affinity', 
  'vrrp_rx_bufs_policy', 'vrrp_rx_bufs_multiplier',
  'checker_log_all_failures', 'no_checker_emails', 'nftables', 'nftables_priority', 'nftables_ipvs', 'nftables_ipvs_priority',
  'nftables_ipvs_start_fwmark', 'lvs_flush_on_stop', 'use_disk_copy_for_config', 'vrrp_notify_priority_changes',
  'vrrp_down_timer_adverts', 'enable_console_log', 'lvs_process_name',
];

export const GLOBAL_DEFS_TABLE: Table<GlobalDefs> = [
  str('router_id', 'routerId'),
  notificationEmail,
  str('notification_email_from', 'notificationEmailFrom'),
  smtpServer,
  str('smtp_helo_name', 'smtpHeloName'),
  seconds('smtp_connect_timeout', 'smtpConnectTimeoutMs', 0, 3600 * 24, 30_000),
  flag('enable_script_security', 'enableScriptSecurity'),
  scriptUser,
  {
    ...int<GlobalDefs>('vrrp_version', 'vrrpVersion', 2, 3, 2),
  },
  flag('vrrp_strict', 'vrrpStrict'),
  mcastGroup('vrrp_mcast_group4', 'vrrpMcastGroup4', 'inet', '224.0.0.18'),
  mcastGroup('vrrp_mcast_group6', 'vrrpMcastGroup6', 'inet6', 'ff02::12'),
  seconds('vrrp_garp_master_delay', 'vrrpGarpMasterDelayMs', 0, 3600, 5000),
  int('vrrp_garp_master_repeat', 'vrrpGarpMasterRepeat', 1, 65535, 5),
  seconds('vrrp_garp_master_refresh', 'vrrpGarpMasterRefreshMs', 0, 86400, 0),
  int('vrrp_garp_master_refresh_repeat', 'vrrpGarpMasterRefreshRepeat', 1, 65535, 1),
  seconds('vrrp_garp_lower_prio_delay', 'vrrpGarpLowerPrioDelayMs', 0, 3600),
  int('vrrp_garp_lower_prio_repeat', 'vrrpGarpLowerPrioRepeat', 1, 65535),
  // keepalived 2.2.7 takes (0, 4294.967295] s; 0 is "invalid" (leave the keyword out instead).
  seconds('vrrp_garp_interval', 'vrrpGarpIntervalMs', 0.000001, 4294.967295, 0),
  seconds('vrrp_gna_interval', 'vrrpGnaIntervalMs', 0.000001, 4294.967295, 0),
  flag('vrrp_lower_prio_no_advert', 'vrrpLowerPrioNoAdvert'),
  flag('vrrp_higher_prio_send_advert', 'vrrpHigherPrioSendAdvert'),
  flag('vrrp_skip_check_adv_addr', 'vrrpSkipCheckAdvAddr'),
  flag('vrrp_check_unicast_src', 'vrrpCheckUnicastSrc'),
  int('vrrp_priority', 'vrrpPriority', -20, 19),
  int('checker_priority', 'checkerPriority', -20, 19),
  maxAutoPriority,
  flag('dynamic_interfaces', 'dynamicInterfaces'),
  lvsTimeouts,
  lvsSyncDaemon,
  flag('lvs_flush', 'lvsFlush'),
  str('notify_fifo', 'notifyFifo'),
  str('vrrp_notify_fifo', 'vrrpNotifyFifo'),
  str('lvs_notify_fifo', 'lvsNotifyFifo'),
  seconds('script_timeout', 'scriptTimeoutMs', 0, 86400),
  ...RAW_GLOBAL.filter((k, i, all) => all.indexOf(k) === i).map((k) => raw<GlobalDefs>(k)),
];


