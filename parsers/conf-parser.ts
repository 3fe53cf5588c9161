// keepalived.conf text → KeepalivedConfig: preprocess, build the statement tree, then apply the
// top-level keyword table (each block's own table does the rest). Pure: file access is injected.
import type { KeepalivedConfig, VirtualAddress, VirtualRoute, VirtualRule } from '../src/config/model.js';
import { parseAddressLine, parseRouteLine, parseRuleLine } from './addresses.js';
import { DiagnosticSink } from './diagnostics.js';
import { applyTable, needArgs, type KeywordSpec, type ParseCtx, type Table } from './keyword-table.js';
import { preprocess, type SourceAccess } from './preprocess.js';
import { defaultGlobalDefs, GLOBAL_DEFS_TABLE } from './tables/global-defs.js';
import { parseVirtualServer, parseVsGroup } from './tables/lvs.js';
import { newTrackFile, newTrackProcess, newVrrpScript, TRACK_FILE_TABLE, TRACK_PROCESS_TABLE, VRRP_SCRIPT_TABLE } from './tables/tracking.js';
import { newSyncGroup, newVrrpInstance, SYNC_GROUP_TABLE, VRRP_INSTANCE_TABLE } from './tables/vrrp-instance.js';
import { TreeBuilder, type Stmt } from './tree.js';

export function emptyConfig(file: string): KeepalivedConfig {
  return {
    file, globalDefs: defaultGlobalDefs(), staticIpaddress: [], staticRoutes: [], staticRules: [], vrrpScripts: [],
    vrrpTrackFiles: [], vrrpTrackProcesses: [], vrrpSyncGroups: [], vrrpInstances: [], virtualServerGroups: [], virtualServers: [],
  };
}

/** A named block: `KEYWORD NAME { ... }`; a second definition of the same name is reported and skipped. */
function named<T extends { name: string }>(keyword: string, list: (c: KeepalivedConfig) => T[], make: (name: string, loc: T extends { loc: infer L } ? L : never) => T, table: Table<T>): KeywordSpec<KeepalivedConfig> {
  return {
    keyword,
    block: true,
    handle(ctx, stmt, cfg) {
      if (!needArgs(ctx, stmt, 1)) return;
      const name = stmt.args[0]!.text;
      const obj = make(name, stmt.keyword.loc as never);
      applyTable(ctx, table, stmt.children ?? [], obj, { where: `${keyword} ${name}` });
      const prev = list(cfg).find((o) => o.name === name);
      if (prev) {
        const p = (prev as { loc?: { line: number; file: string } }).loc;
        ctx.sink.error('duplicate-name', `${keyword} ${name} is already defined${p ? ` at ${p.file}:${p.line}` : ''} - this one is ignored`, stmt.args[0]!.loc);
        return;
      }
      list(cfg).push(obj);
    },
    render: () => [],
  };
}

function lines<T>(keyword: string, list: (c: KeepalivedConfig) => T[], parse: (ctx: ParseCtx, s: Stmt, i: number) => T | undefined): KeywordSpec<KeepalivedConfig> {
  return {
    keyword,
    block: true,
    handle(ctx, stmt, cfg) {
      for (const c of stmt.children ?? []) {
        const v = parse(ctx, c, list(cfg).length);
        if (v) list(cfg).push(v);
      }
    },
    render: () => [],
  };
}

/**
 * Top-level blocks and lines keepalived accepts and ka-ts does not act on. Each one present is
 * said, located, as a warning that leaves keepalived's exit code alone (as the checker notes in
 * validate.ts), so `-t` and the start-up log tell the operator; only settings with no effect on
 * ka-ts's behaviour (ipsets, the child shutdown wait) pass without a word.
 */
const IGNORED_TOP_BLOCKS: Record<string, string> = {
  bfd_instance: 'BFD is not implemented',
  vrrp_track_bfd: 'BFD is not implemented',
  linkbeat_interfaces: 'link state comes from netlink only; no MII/ethtool polling',
  track_group: 'static addresses, routes and rules are not tracked',
  static_track_group: 'static addresses, routes and rules are not tracked',
  garp_group: 'per-interface GARP/NA intervals are not read (the global vrrp_garp_interval / vrrp_gna_interval are)',
};
const IGNORED_TOP_LINES: Record<string, string | undefined> = {
  net_namespace: 'ka-ts runs in the network namespace it is started in (use `ip netns exec`)',
  net_namespace_ipvs: 'the IPVS table is programmed in the namespace ka-ts runs in',
  instance: 'pid files and the control socket are named after the namespace (-s), not the instance',
  use_pid_dir: 'pid files are under /run/ka-ts/',
  linkbeat_use_polling: 'link state comes from netlink only; no MII/ethtool polling',
  namespace_with_ipsets: undefined,
  child_wait_time: undefined,
};

function ignoredKeyword(keyword: string, why: string | undefined, block: boolean): KeywordSpec<KeepalivedConfig> {
  return {
    keyword,
    ...(block ? { block: true } : {}),
    handle(ctx, stmt) {
      if (why) ctx.sink.warning('not-implemented', `${keyword}: accepted and ignored - ${why} (ka-ts)`, stmt.keyword.loc, 0);
    },
    render: () => [],
  };
}

export const TOP_TABLE: Table<KeepalivedConfig> = [
  {
    keyword: 'global_defs',
    block: true,
    handle(ctx, stmt, cfg) {
      cfg.globalDefs.loc ??= stmt.keyword.loc;
      applyTable(ctx, GLOBAL_DEFS_TABLE, stmt.children ?? [], cfg.globalDefs, { where: 'global_defs' });
    },
    render: () => [],
  },
  lines<VirtualAddress>('static_ipaddress', (c) => c.staticIpaddress, (ctx, s) => parseAddressLine(ctx, s, 'static_ipaddress')),
  lines<VirtualRoute>('static_routes', (c) => c.staticRoutes, (ctx, s) => parseRouteLine(ctx, s, 'static_routes', false)),
  lines<VirtualRule>('static_rules', (c) => c.staticRules, (ctx, s, i) => parseRuleLine(ctx, s, 'static_rules', i)),
  named('vrrp_script', (c) => c.vrrpScripts, newVrrpScript, VRRP_SCRIPT_TABLE),
  named('vrrp_track_file', (c) => c.vrrpTrackFiles, newTrackFile, TRACK_FILE_TABLE),
  named('vrrp_track_process', (c) => c.vrrpTrackProcesses, newTrackProcess, TRACK_PROCESS_TABLE),
  named('vrrp_sync_group', (c) => c.vrrpSyncGroups, newSyncGroup, SYNC_GROUP_TABLE),
  named('vrrp_instance', (c) => c.vrrpInstances, newVrrpInstance, VRRP_INSTANCE_TABLE),
  {
    keyword: 'virtual_server_group',
    block: true,
    handle(ctx, stmt, cfg) {
      const g = parseVsGroup(ctx, stmt);
      if (g) cfg.virtualServerGroups.push(g);
    },
    render: () => [],
  },
  {
    keyword: 'virtual_server',
    block: true,
    handle(ctx, stmt, cfg) {
      const vs = parseVirtualServer(ctx, stmt);
      if (vs) cfg.virtualServers.push(vs);
    },
    render: () => [],
  },
  ...Object.entries(IGNORED_TOP_BLOCKS).map(([k, why]) => ignoredKeyword(k, why, true)),
  ...Object.entries(IGNORED_TOP_LINES).map(([k, why]) => ignoredKeyword(k, why, false)),
];

export interface ParseResult {
  model: KeepalivedConfig;
  sink: DiagnosticSink;
  /** false: the top-level file could not be read. */
  found: boolean;
  /** keepalived would have stopped reading (missing parameter). */
  stopped: boolean;
}

export function parseConf(file: string, opts: { configId: string; access: SourceAccess }, sink = new DiagnosticSink()): ParseResult {
  const model = emptyConfig(file);
  const ctx: ParseCtx = { sink, stopped: false };
  // Streamed: each top-level block is applied as soon as it is complete.
  const tree = new TreeBuilder(sink, (stmt) => {
    if (!ctx.stopped) applyTable(ctx, TOP_TABLE, [stmt], model, { where: 'the top level' });
  });
  const pre = preprocess(file, opts, sink, (line) => tree.push(line));
  if (!pre.found) return { model, sink, found: false, stopped: false };
  tree.end();
  return { model, sink, found: true, stopped: ctx.stopped };
}
