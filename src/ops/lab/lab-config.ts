// The facts the lab, drill and doctor need from a keepalived.conf: loaded through the team's
// parser (loadLabConfig), or read from the minimal conf tree (readLabConfig) for generated text.
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../../config/load.js';
import { labConfigFromModel } from './from-model.js';
import { child, childArg, ConfReadError, parseConfTree, type ConfNode } from './conf-tree.js';

export interface LabVip { address: string; prefix: number; dev?: string }

export interface LabInstance {
  name: string;
  interface: string;
  vrid: number;
  priority: number;
  advertInt: number;
  state: string;
  vips: LabVip[];
  trackScripts: string[];
  unicastPeers: string[];
  line: number;
}

export interface LabRealServer { address: string; port: number; weight: number; line: number }

export interface LabVirtualServer {
  address: string;
  port: number;
  protocol: 'tcp' | 'udp';
  lbKind: 'NAT' | 'DR' | 'TUN';
  lbAlgo: string;
  persistenceTimeout?: number;
  realServers: LabRealServer[];
  line: number;
}

export interface LabScript { name: string; command: string; line: number }

export interface LabConfig {
  file: string;
  text: string;
  instances: LabInstance[];
  syncGroups: { name: string; members: string[] }[];
  virtualServers: LabVirtualServer[];
  scripts: LabScript[];
  notifyScripts: { owner: string; command: string; line: number }[];
  scriptSecurity: boolean;
  vrrpVersion: number;
}

function parseVip(args: string[]): LabVip {
  const [addr = '', ...rest] = args;
  const [address = '', prefix] = addr.split('/');
  const devIdx = rest.indexOf('dev');
  const vip: LabVip = { address, prefix: prefix ? Number(prefix) : (address.includes(':') ? 128 : 32) };
  if (devIdx >= 0 && rest[devIdx + 1]) vip.dev = rest[devIdx + 1]!;
  return vip;
}

function num(file: string, n: ConfNode, keyword: string, dflt: number): number {
  const v = childArg(n, keyword);
  if (v === undefined) return dflt;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new ConfReadError(file, child(n, keyword)!.line, `${keyword} '${v}' is not a number`);
  return x;
}

const NOTIFY = ['notify', 'notify_master', 'notify_backup', 'notify_fault', 'notify_stop', 'notify_master_rx_lower_pri'];

export function readLabConfig(text: string, file: string): LabConfig {
  const tree = parseConfTree(text, file);
  const cfg: LabConfig = { file, text, instances: [], syncGroups: [], virtualServers: [], scripts: [], notifyScripts: [], scriptSecurity: false, vrrpVersion: 2 };
  for (const n of tree) {
    if (n.keyword === 'global_defs') {
      cfg.scriptSecurity = child(n, 'enable_script_security') !== undefined;
      cfg.vrrpVersion = num(file, n, 'vrrp_version', 2);
    } else if (n.keyword === 'vrrp_instance') {
      const iface = childArg(n, 'interface');
      if (!iface) throw new ConfReadError(file, n.line, `vrrp_instance ${n.args[0] ?? ''} has no interface`);
      cfg.instances.push({
        name: n.args[0] ?? '',
        interface: iface,
        vrid: num(file, n, 'virtual_router_id', 0),
        priority: num(file, n, 'priority', 100),
        advertInt: num(file, n, 'advert_int', 1),
        state: childArg(n, 'state') ?? 'BACKUP',
        vips: (child(n, 'virtual_ipaddress')?.children ?? []).map((c) => parseVip([c.keyword, ...c.args])),
        trackScripts: (child(n, 'track_script')?.children ?? []).map((c) => c.keyword),
        unicastPeers: (child(n, 'unicast_peer')?.children ?? []).map((c) => c.keyword),
        line: n.line,
      });
      for (const c of n.children) if (NOTIFY.includes(c.keyword) && c.args[0]) cfg.notifyScripts.push({ owner: n.args[0] ?? '', command: c.args[0], line: c.line });
    } else if (n.keyword === 'vrrp_sync_group') {
      cfg.syncGroups.push({ name: n.args[0] ?? '', members: (child(n, 'group')?.children ?? []).flatMap((c) => [c.keyword, ...c.args]) });
    } else if (n.keyword === 'vrrp_script') {
      cfg.scripts.push({ name: n.args[0] ?? '', command: childArg(n, 'script') ?? '', line: n.line });
    } else if (n.keyword === 'virtual_server') {
      const kind = (childArg(n, 'lb_kind') ?? 'NAT').toUpperCase();
      const vs: LabVirtualServer = {
        address: n.args[0] ?? '',
        port: Number(n.args[1] ?? 0),
        protocol: (childArg(n, 'protocol') ?? 'TCP').toLowerCase() === 'udp' ? 'udp' : 'tcp',
        lbKind: kind === 'DR' ? 'DR' : kind === 'TUN' ? 'TUN' : 'NAT',
        lbAlgo: childArg(n, 'lb_algo') ?? 'wlc',
        realServers: n.children.filter((c) => c.keyword === 'real_server').map((c) => ({ address: c.args[0] ?? '', port: Number(c.args[1] ?? n.args[1] ?? 0), weight: Number(childArg(c, 'weight') ?? 1), line: c.line })),
        line: n.line,
      };
      const p = childArg(n, 'persistence_timeout');
      if (p !== undefined) vs.persistenceTimeout = Number(p);
      cfg.virtualServers.push(vs);
      for (const rs of n.children.filter((c) => c.keyword === 'real_server')) {
        const misc = child(rs, 'MISC_CHECK');
        const path = misc ? childArg(misc, 'misc_path') : undefined;
        if (path) cfg.notifyScripts.push({ owner: `real_server ${rs.args.join(' ')}`, command: path, line: misc!.line });
      }
    }
  }
  return cfg;
}

/**
 * Reads a config through the team's parser (src/config/load.ts), without host checks: a lab
 * config names interfaces that exist only inside the lab's namespaces. Errors (exit class 2/4)
 * become a ConfReadError at the first error's location.
 */
export async function loadLabConfig(file: string): Promise<LabConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfReadError(file, 0, `cannot read: ${(e as Error).message}`);
  }
  const r = await loadConfig(file, { skipHostChecks: true });
  if (!r.model) {
    const first = r.diagnostics.find((d) => d.severity === 'error') ?? r.diagnostics[0];
    throw new ConfReadError(first?.loc?.file ?? file, first?.loc?.line ?? 0, first?.message ?? 'the configuration cannot be loaded');
  }
  return labConfigFromModel(r.model, text);
}
