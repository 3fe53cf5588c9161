// vrrp_instance and vrrp_sync_group keywords (keepalived 2.2.7 vrrp/vrrp_parser.c).
import type { NotifyScripts, UnicastPeer, VirtualAddress, VrrpInstance, VrrpSyncGroup } from '../../src/config/model.js';
import { familyOf, parseAddressLine, parseRouteLine, parseRuleLine, renderAddress } from '../addresses.js';
import { flag, int, line, needArgs, parseNumber, raw, seconds, str, type KeywordSpec, type RenderLine, type Table } from '../keyword-table.js';
import { trackListSpec } from './tracking.js';

export function newVrrpInstance(name: string, loc: VrrpInstance['loc']): VrrpInstance {
  return {
    name, state: 'BACKUP', virtualRouterId: 0, priority: 100, advertIntMs: 1000, family: 'inet', nopreempt: false,
    preemptDelayMs: 0, unicastPeers: [], virtualIpaddresses: [], virtualIpaddressesExcluded: [], virtualRoutes: [],
    virtualRules: [], trackInterfaces: [], trackScripts: [], trackFiles: [], trackProcesses: [], notify: {},
    smtpAlert: false, vmacXmitBase: false, dontTrackPrimary: false, downTimerAdverts: 3, loc, extra: {},
  };
}

export function newSyncGroup(name: string, loc: VrrpSyncGroup['loc']): VrrpSyncGroup {
  return { name, group: [], notify: {}, smtpAlert: false, trackInterfaces: [], trackScripts: [], trackFiles: [], trackProcesses: [], loc, extra: {} };
}

const NOTIFY_KEYS: Array<[string, keyof NotifyScripts]> = [
  ['notify_master', 'master'], ['notify_backup', 'backup'], ['notify_fault', 'fault'], ['notify_stop', 'stop'],
  ['notify_deleted', 'deleted'], ['notify', 'notify'], ['notify_master_rx_lower_pri', 'masterRxLowerPri'],
];

function notifySpecs<T extends { notify: NotifyScripts }>(): KeywordSpec<T>[] {
  return NOTIFY_KEYS.map(([kw, field]) => ({
    keyword: kw,
    handle(ctx, stmt, t) {
      if (!needArgs(ctx, stmt, 1)) return;
      if (stmt.args.length > 1) {
        // keepalived 2.2.7 silently drops a notify command written as several unquoted words.
        ctx.sink.warning('notify-unquoted', `${kw}: the command has ${stmt.args.length} unquoted words, which keepalived ignores (no script is run) - quote the whole command: ${kw} "${stmt.args.map((a) => a.text).join(' ')}"`, stmt.args[1]!.loc, 0);
        return;
      }
      t.notify[field] = stmt.args[0]!.text;
    },
    render: (t) => (t.notify[field] === undefined ? [] : [line(kw, t.notify[field]!)]),
  }));
}

function addressBlock(keyword: string, pick: (v: VrrpInstance) => VirtualAddress[]): KeywordSpec<VrrpInstance> {
  return {
    keyword,
    block: true,
    handle(ctx, stmt, v) {
      for (const c of stmt.children ?? []) {
        const a = parseAddressLine(ctx, c, `${keyword} of vrrp_instance ${v.name}`);
        if (a) pick(v).push(a);
      }
    },
    render: (v) => (pick(v).length ? [{ words: [keyword], children: pick(v).map((a) => ({ words: renderAddress(a) })) }] : []),
  };
}

const unicastPeer: KeywordSpec<VrrpInstance> = {
  keyword: 'unicast_peer',
  block: true,
  handle(ctx, stmt, v) {
    for (const c of stmt.children ?? []) {
      if (!familyOf(c.keyword.text)) {
        ctx.sink.warning('invalid-unicast-peer', `vrrp_instance ${v.name}: unicast peer '${c.keyword.text}' is not an IP address - skipped`, c.keyword.loc);
        continue;
      }
      const p: UnicastPeer = { address: c.keyword.text, loc: c.keyword.loc };
      for (let i = 0; i < c.args.length; i += 2) {
        const k = c.args[i]!;
        const val = c.args[i + 1];
        if ((k.text === 'min_ttl' || k.text === 'max_ttl') && val) {
          const n = parseNumber(ctx, val, 0, 255, true, k.text);
          if (n !== undefined) p[k.text === 'min_ttl' ? 'minTtl' : 'maxTtl'] = n;
        } else ctx.sink.warning('unicast-peer-option', `unicast peer ${p.address}: unexpected '${k.text}'`, k.loc);
      }
      v.unicastPeers.push(p);
    }
  },
  render: (v) => (v.unicastPeers.length ? [{
    words: ['unicast_peer'],
    children: v.unicastPeers.map((p) => ({ words: [p.address, ...(p.minTtl !== undefined ? ['min_ttl', String(p.minTtl)] : []), ...(p.maxTtl !== undefined ? ['max_ttl', String(p.maxTtl)] : [])] })),
  }] : []),
};

const authentication: KeywordSpec<VrrpInstance> = {
  keyword: 'authentication',
  block: true,
  handle(ctx, stmt, v) {
    let type: 'PASS' | 'AH' | undefined;
    let pass = '';
    for (const c of stmt.children ?? []) {
      if (ctx.stopped) return;
      if (c.keyword.text === 'auth_type') {
        if (!needArgs(ctx, c, 1)) return;
        const t = c.args[0]!.text.toUpperCase();
        if (t === 'PASS' || t === 'AH') type = t;
        else ctx.sink.warning('auth-type', `vrrp_instance ${v.name}: auth_type '${c.args[0]!.text}' is not PASS or AH - authentication ignored`, c.args[0]!.loc);
      } else if (c.keyword.text === 'auth_pass') {
        if (!needArgs(ctx, c, 1)) return;
        pass = c.args.map((a) => a.text).join(' ');
        if (pass.length > 8) {
          ctx.sink.warning('auth-pass-truncated', `vrrp_instance ${v.name}: auth_pass is longer than 8 characters; only '${pass.slice(0, 8)}' is used (keepalived: "Truncating auth_pass to 8 characters")`, c.args[0]!.loc);
          pass = pass.slice(0, 8);
        }
      } else ctx.sink.warning('unknown-keyword', `unknown keyword '${c.keyword.text}' in authentication of vrrp_instance ${v.name}`, c.keyword.loc);
    }
    if (type) v.authentication = { type, pass };
  },
  render: (v) => (v.authentication ? [{ words: ['authentication'], children: [line('auth_type', v.authentication.type), ...(v.authentication.pass ? [line('auth_pass', v.authentication.pass)] : [])] }] : []),
};

// keepalived 2.2.7 vrrp_vmac_handler: up to two words, a MAC (it has ':') and an interface name.
const useVmac: KeywordSpec<VrrpInstance> = {
  keyword: 'use_vmac',
  handle(ctx, stmt, v) {
    const vmac: NonNullable<VrrpInstance['useVmac']> = {};
    for (const a of stmt.args.slice(0, 2)) {
      if (!a.text.includes(':')) { vmac.name = a.text; continue; }
      const octets = a.text.split(':');
      const ok = (octets.length === 5 || octets.length === 6) && octets.every((o) => /^[0-9a-fA-F]{1,2}$/.test(o));
      // Multicast MACs and the VRRP ranges themselves are refused, as by keepalived.
      const first = ok ? Number.parseInt(octets[0]!, 16) : 0;
      const vrrpRange = ok && octets.length === 6 && /^0?0:0?0:5e:0?0:0?[12]$/i.test(octets.slice(0, 5).join(':'));
      if (!ok || (first & 1) === 1 || vrrpRange) ctx.sink.warning('vmac-mac', `use_vmac: '${a.text}' is not a usable unicast MAC address - ignoring`, a.loc);
      else vmac.mac = octets.map((o) => o.padStart(2, '0').toLowerCase()).join(':');
    }
    if (stmt.args.length > 2) ctx.sink.warning('vmac-args', `use_vmac takes at most an interface name and a MAC address - '${stmt.args[2]!.text}' ignored`, stmt.args[2]!.loc);
    v.useVmac = vmac;
  },
  render: (v) => (v.useVmac === undefined ? [] : [line('use_vmac', ...(v.useVmac.name ? [v.useVmac.name] : []), ...(v.useVmac.mac ? [v.useVmac.mac] : []))]),
};

const advertInt: KeywordSpec<VrrpInstance> = {
  keyword: 'advert_int',
  handle(ctx, stmt, v) {
    if (!needArgs(ctx, stmt, 1)) return;
    const n = parseNumber(ctx, stmt.args[0]!, 0.01, 255, false, 'advert_int');
    if (n !== undefined) v.advertIntMs = Math.round(n * 1000);
  },
  render: (v) => (v.advertIntMs === 1000 ? [] : [line('advert_int', v.advertIntMs / 1000)]),
};

const versionSpec: KeywordSpec<VrrpInstance> = {
  keyword: 'version',
  handle(ctx, stmt, v) {
    if (!needArgs(ctx, stmt, 1)) return;
    const n = parseNumber(ctx, stmt.args[0]!, 2, 3, true, 'version');
    if (n === 2 || n === 3) v.version = n;
  },
  render: (v) => (v.version === undefined ? [] : [line('version', v.version)]),
};

const stateSpec: KeywordSpec<VrrpInstance> = {
  keyword: 'state',
  handle(ctx, stmt, v) {
    if (!needArgs(ctx, stmt, 1)) return;
    // Case matters to keepalived: 'master' is an unknown state.
    const s = stmt.args[0]!.text;
    if (s === 'MASTER' || s === 'BACKUP') v.state = s;
    else ctx.sink.warning('invalid-state', `vrrp_instance ${v.name}: state '${s}' is not MASTER or BACKUP (upper case) - BACKUP used`, stmt.args[0]!.loc);
  },
  render: (v) => (v.state === 'BACKUP' ? [] : [line('state', v.state)]),
};

const routesSpec: KeywordSpec<VrrpInstance> = {
  keyword: 'virtual_routes',
  block: true,
  handle(ctx, stmt, v) {
    for (const c of stmt.children ?? []) {
      const r = parseRouteLine(ctx, c, `virtual_routes of vrrp_instance ${v.name}`, true);
      if (r) v.virtualRoutes.push(r);
    }
  },
  render: (v) => (v.virtualRoutes.length ? [{ words: ['virtual_routes'], children: v.virtualRoutes.map((r) => ({ words: r.words })) }] : []),
};

const rulesSpec: KeywordSpec<VrrpInstance> = {
  keyword: 'virtual_rules',
  block: true,
  handle(ctx, stmt, v) {
    for (const c of stmt.children ?? []) {
      const r = parseRuleLine(ctx, c, `virtual_rules of vrrp_instance ${v.name}`, v.virtualRules.length);
      if (r) v.virtualRules.push(r);
    }
  },
  render: (v) => (v.virtualRules.length ? [{ words: ['virtual_rules'], children: v.virtualRules.map((r) => ({ words: r.words })) }] : []),
};

const lvsSyncIf: KeywordSpec<VrrpInstance> = {
  keyword: 'lvs_sync_daemon_interface',
  handle(ctx, stmt, v) {
    if (!needArgs(ctx, stmt, 1)) return;
    ctx.sink.warning('deprecated-keyword', `vrrp_instance ${v.name}: lvs_sync_daemon_interface inside a vrrp_instance is deprecated - use 'lvs_sync_daemon ${stmt.args[0]!.text} ${v.name}' in global_defs`, stmt.keyword.loc);
    v.lvsSyncDaemonInterface = stmt.args[0]!.text;
  },
  render: (v) => (v.lvsSyncDaemonInterface ? [line('lvs_sync_daemon_interface', v.lvsSyncDaemonInterface)] : []),
};

const preempt: KeywordSpec<VrrpInstance> = {
  keyword: 'preempt',
  handle(_ctx, _stmt, v) {
    v.nopreempt = false;
  },
  render: () => [],
};

const noAccept: KeywordSpec<VrrpInstance> = {
  keyword: 'no_accept',
  handle(_ctx, _stmt, v) {
    v.accept = false;
  },
  render: () => [],
};

const acceptSpec: KeywordSpec<VrrpInstance> = {
  keyword: 'accept',
  handle(_ctx, _stmt, v) {
    v.accept = true;
  },
  render: (v): RenderLine[] => (v.accept === undefined ? [] : [v.accept ? line('accept') : line('no_accept')]),
};

const RAW_INSTANCE = ['use_ipvlan', 'native_ipv6', 'promote_secondaries', 'linkbeat_use_polling', 'debug', 'kernel_rx_buf_size',
  'unicast_fault_no_peer', 'track_src_ip', 'garp_extra_if', 'track_bfd', 'old_unicast_checksum'];

export const VRRP_INSTANCE_TABLE: Table<VrrpInstance> = [
  stateSpec,
  str('interface', 'interface'),
  int('virtual_router_id', 'virtualRouterId', 1, 255),
  int('priority', 'priority', 1, 255, 100),
  advertInt,
  versionSpec,
  flag('nopreempt', 'nopreempt'),
  preempt,
  seconds('preempt_delay', 'preemptDelayMs', 0, 1000, 0),
  str('mcast_src_ip', 'mcastSrcIp'),
  str('unicast_src_ip', 'unicastSrcIp'),
  unicastPeer,
  addressBlock('virtual_ipaddress', (v) => v.virtualIpaddresses),
  addressBlock('virtual_ipaddress_excluded', (v) => v.virtualIpaddressesExcluded),
  routesSpec,
  rulesSpec,
  trackListSpec<VrrpInstance>('track_interface', (v) => v.trackInterfaces, 254),
  trackListSpec<VrrpInstance>('track_script', (v) => v.trackScripts, 253),
  trackListSpec<VrrpInstance>('track_file', (v) => v.trackFiles, 254),
  trackListSpec<VrrpInstance>('track_process', (v) => v.trackProcesses, 254),
  authentication,
  ...notifySpecs<VrrpInstance>(),
  flag('smtp_alert', 'smtpAlert'),
  seconds('garp_master_delay', 'garpMasterDelayMs', 0, 3600),
  int('garp_master_repeat', 'garpMasterRepeat', 1, 65535),
  seconds('garp_master_refresh', 'garpMasterRefreshMs', 0, 86400),
  int('garp_master_refresh_repeat', 'garpMasterRefreshRepeat', 1, 65535),
  seconds('garp_lower_prio_delay', 'garpLowerPrioDelayMs', 0, 3600),
  int('garp_lower_prio_repeat', 'garpLowerPrioRepeat', 1, 65535),
  flag('lower_prio_no_advert', 'lowerPrioNoAdvert', undefined),
  flag('higher_prio_send_advert', 'higherPrioSendAdvert', undefined),
  flag('skip_check_adv_addr', 'skipCheckAdvAddr', undefined),
  flag('check_unicast_src', 'checkUnicastSrc', undefined),
  useVmac,
  flag('vmac_xmit_base', 'vmacXmitBase'),
  acceptSpec,
  noAccept,
  flag('strict_mode', 'strictMode', undefined),
  flag('dont_track_primary', 'dontTrackPrimary'),
  int('down_timer_adverts', 'downTimerAdverts', 1, 100, 3),
  lvsSyncIf,
  ...RAW_INSTANCE.map((k) => raw<VrrpInstance>(k)),
];

const groupSpec: KeywordSpec<VrrpSyncGroup> = {
  keyword: 'group',
  block: true,
  handle(_ctx, stmt, g) {
    for (const c of stmt.children ?? []) g.group.push(c.keyword.text, ...c.args.map((a) => a.text));
  },
  render: (g) => (g.group.length ? [{ words: ['group'], children: g.group.map((n) => line(n)) }] : []),
};

export const SYNC_GROUP_TABLE: Table<VrrpSyncGroup> = [
  groupSpec,
  ...notifySpecs<VrrpSyncGroup>(),
  flag('smtp_alert', 'smtpAlert'),
  trackListSpec<VrrpSyncGroup>('track_interface', (g) => g.trackInterfaces, 254),
  trackListSpec<VrrpSyncGroup>('track_script', (g) => g.trackScripts, 253),
  trackListSpec<VrrpSyncGroup>('track_file', (g) => g.trackFiles, 254),
  trackListSpec<VrrpSyncGroup>('track_process', (g) => g.trackProcesses, 254),
  raw<VrrpSyncGroup>('global_tracking'),
  raw<VrrpSyncGroup>('sync_group_tracking_weight'),
  raw<VrrpSyncGroup>('track_bfd', true),
];

