// virtual_server_group, virtual_server and real_server (keepalived 2.2.7 check/check_parser.c).
import type { CheckerType, Family, LbKind, RealServer, SorryServer, SourceLoc, VirtualServer, VirtualServerGroup, VirtualServerKey, VsGroupEntry } from '../../src/config/model.js';
import { familyOf } from '../addresses.js';
import { applyTable, enumOf, flag, int, line, needArgs, parseNumber, raw, seconds, str, type KeywordSpec, type ParseCtx, type RenderLine, type Table } from '../keyword-table.js';
import type { Stmt } from '../tree.js';
import { parseForwarding, renderForwarding, setForwarding } from './forwarding.js';
import { CHECKER_TYPES, MAX_DELAY_LOOP_S, MAX_TIMER_S, parseChecker, renderCheckerBody } from './checkers.js';

export const LB_ALGOS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh'] as const;
export const LB_KINDS = ['NAT', 'DR', 'TUN'] as const;

/** Parse-time facts that are not part of the model (was lb_kind written? for the NAT default warning). */
export interface VsParseState {
  lbKindSet: boolean;
  protocolSet: boolean;
  lbAlgoSet: boolean;
}

const vsState = new WeakMap<VirtualServer, VsParseState>();

function parsePort(ctx: ParseCtx, tok: Stmt['args'][number] | undefined, what: string): number | undefined {
  if (!tok) return undefined;
  return parseNumber(ctx, tok, 0, 65535, true, what);
}

const lbKind = (keyword: string): KeywordSpec<VirtualServer> => ({
  keyword,
  aliases: keyword === 'lb_kind' ? [{ name: 'lvs_method' }] : [],
  handle(ctx, stmt, vs) {
    if (!needArgs(ctx, stmt, 1)) return;
    const f = parseForwarding(ctx, stmt, 'virtual');
    if (!f) return;
    setForwarding(vs, f);
    vsState.get(vs)!.lbKindSet = true;
  },
  // Always written so that a re-parse does not warn about a missing forwarding method.
  render: (vs) => [renderForwarding('lb_kind', vs.lbKind, vs.tunnel)],
});

const lbAlgo = (keyword: string): KeywordSpec<VirtualServer> => {
  const base = enumOf<VirtualServer>(keyword, 'lbAlgo', LB_ALGOS);
  return {
    keyword,
    handle(ctx, stmt, vs) {
      const before = ctx.sink.items.length;
      base.handle(ctx, stmt, vs);
      if (ctx.sink.items.length === before && !ctx.stopped) vsState.get(vs)!.lbAlgoSet = true;
    },
    // Always written: keepalived warns when a virtual server has no scheduler.
    render: (vs) => [line('lb_algo', vs.lbAlgo)],
  };
};

const persistenceTimeout: KeywordSpec<VirtualServer> = {
  keyword: 'persistence_timeout',
  handle(ctx, stmt, vs) {
    if (!stmt.args[0]) { vs.persistenceTimeoutS = 360; return; }
    const n = parseNumber(ctx, stmt.args[0], 1, 4294967295 / 100, true, 'persistence_timeout');
    if (n !== undefined) vs.persistenceTimeoutS = n;
  },
  render: (vs) => (vs.persistenceTimeoutS === undefined ? [] : [line('persistence_timeout', vs.persistenceTimeoutS)]),
};

const protocol: KeywordSpec<VirtualServer> = {
  keyword: 'protocol',
  handle(ctx, stmt, vs) {
    if (!needArgs(ctx, stmt, 1)) return;
    const v = stmt.args[0]!.text.toUpperCase();
    if (v === 'TCP' || v === 'UDP' || v === 'SCTP') {
      vs.protocol = v;
      vsState.get(vs)!.protocolSet = true;
    } else ctx.sink.warning('invalid-protocol', `protocol '${stmt.args[0]!.text}' is not TCP, UDP or SCTP - ignored`, stmt.args[0]!.loc);
  },
  // Written except for fwmark services: keepalived warns when it is missing.
  render: (vs) => (vs.key.kind === 'fwmark' ? [] : [line('protocol', vs.protocol)]),
};

function parseEndpoint(ctx: ParseCtx, stmt: Stmt, what: string): { address: string; port: number; family: Family } | undefined {
  if (!needArgs(ctx, stmt, 1)) return undefined;
  const a = stmt.args[0]!;
  const family = familyOf(a.text);
  if (!family) {
    ctx.sink.warning('invalid-address', `${what}: '${a.text}' is not an IP address - skipped`, a.loc);
    return undefined;
  }
  const port = stmt.args[1] ? parsePort(ctx, stmt.args[1], `${what} port`) : 0;
  if (port === undefined) return undefined;
  return { address: a.text, port, family };
}

const sorryServer: KeywordSpec<VirtualServer> = {
  keyword: 'sorry_server',
  handle(ctx, stmt, vs) {
    const ep = parseEndpoint(ctx, stmt, 'sorry_server');
    if (ep) vs.sorryServer = { ...ep, loc: stmt.keyword.loc } satisfies SorryServer;
  },
  render: (vs) => (vs.sorryServer ? [line('sorry_server', vs.sorryServer.address, vs.sorryServer.port)] : []),
};

const sorryLbKind: KeywordSpec<VirtualServer> = {
  keyword: 'sorry_server_lvs_method',
  handle(ctx, stmt, vs) {
    if (!needArgs(ctx, stmt, 1)) return;
    const f = parseForwarding(ctx, stmt, 'sorry');
    if (f && vs.sorryServer) setForwarding(vs.sorryServer, f);
  },
  render: (vs) => (vs.sorryServer?.lbKind ? [renderForwarding('sorry_server_lvs_method', vs.sorryServer.lbKind, vs.sorryServer.tunnel)] : []),
};

const schedFlag = (keyword: string): KeywordSpec<VirtualServer> => ({
  keyword,
  handle(_ctx, _stmt, vs) {
    if (!vs.schedFlags.includes(keyword)) vs.schedFlags.push(keyword);
  },
  render: (vs) => (vs.schedFlags.includes(keyword) ? [line(keyword)] : []),
});

// --- real_server

const RS_TABLE_BASE: Table<RealServer> = [
  int('weight', 'weight', 0, 2147483647, 1),
  flag('inhibit_on_failure', 'inhibitOnFailure', undefined),
  str('notify_up', 'notifyUp', true),
  str('notify_down', 'notifyDown', true),
  seconds('delay_loop', 'delayLoopMs', 0.000001, MAX_DELAY_LOOP_S),
  int('retry', 'retry', 0, 65535),
  seconds('delay_before_retry', 'delayBeforeRetryMs', 0, MAX_TIMER_S),
  seconds('warmup', 'warmupMs', 0, MAX_TIMER_S),
  seconds('connect_timeout', 'connectTimeoutMs', 0.000001, MAX_TIMER_S),
  flag('alpha', 'alpha', undefined),
  {
    keyword: 'lvs_method',
    handle(ctx, stmt, rs) {
      if (!needArgs(ctx, stmt, 1)) return;
      const f = parseForwarding(ctx, stmt, 'real');
      if (f) setForwarding(rs, f);
    },
    render: (rs) => (rs.lbKind ? [renderForwarding('lvs_method', rs.lbKind, rs.tunnel)] : []),
  },
  int('uthreshold', 'upperThreshold', 0, 4294967295),
  int('lthreshold', 'lowerThreshold', 0, 4294967295),
  raw<RealServer>('smtp_alert'),
  raw<RealServer>('virtualhost'),
];

function checkerSpec(type: CheckerType): KeywordSpec<RealServer> {
  return {
    keyword: type,
    block: true,
    handle(ctx, stmt, rs) {
      rs.checkers.push(parseChecker(ctx, type, stmt, `real_server ${rs.address} ${rs.port}`));
    },
    // Checkers keep their written order (it is the order keepalived schedules them in): the
    // first checker keyword renders them all.
    render: (rs) => (type === CHECKER_TYPES[0] ? rs.checkers.map((c) => ({ words: [c.type], children: renderCheckerBody(c) })) : []),
  };
}

export const RS_TABLE: Table<RealServer> = [...RS_TABLE_BASE, ...CHECKER_TYPES.map(checkerSpec), raw<RealServer>('BFD_CHECK', true), raw<RealServer>('FILE_CHECK', true)];

const realServer: KeywordSpec<VirtualServer> = {
  keyword: 'real_server',
  block: true,
  handle(ctx, stmt, vs) {
    const ep = parseEndpoint(ctx, stmt, 'real_server');
    if (!ep) return;
    // Written out rather than spread from `ep`: one object shape for every real server keeps
    // V8 on its fast path when a 10,000-service file builds 40,000 of them.
    const rs: RealServer = { address: ep.address, port: ep.port, family: ep.family, weight: 1, checkers: [], loc: stmt.keyword.loc, extra: {} };
    const vsFamily = vs.key.kind === 'group' ? undefined : vs.key.family;
    applyTable(ctx, RS_TABLE, stmt.children ?? [], rs, { where: () => `real_server ${ep.address} ${ep.port}` });
    if (vsFamily && vsFamily !== ep.family && vs.lbKind !== 'TUN') {
      ctx.sink.warning('family-mismatch', `real_server ${ep.address}: address family differs from its virtual server's - real server skipped`, stmt.keyword.loc);
      return;
    }
    vs.realServers.push(rs);
  },
  render: (vs) => vs.realServers.map((rs): RenderLine => ({ words: ['real_server', rs.address, String(rs.port)], children: RS_TABLE.flatMap((s) => s.render(rs)) })),
};

const RAW_VS = ['smtp_alert', 'ip_family'];

/** IP_VS_PENAME_MAXLEN is 16 with the terminating NUL: keepalived truncates longer names. */
const PE_NAME_MAX = 15;

const persistenceEngine: KeywordSpec<VirtualServer> = {
  keyword: 'persistence_engine',
  handle(ctx, stmt, vs) {
    if (!needArgs(ctx, stmt, 1)) return;
    const name = stmt.args[0]!.text;
    if (name.length > PE_NAME_MAX) ctx.sink.warning('pe-name-too-long', `persistence_engine '${name}' is longer than ${PE_NAME_MAX} characters - truncated to '${name.slice(0, PE_NAME_MAX)}' (keepalived: "persistence_name too long, truncating")`, stmt.args[0]!.loc);
    vs.persistenceEngine = name.slice(0, PE_NAME_MAX);
  },
  render: (vs) => (vs.persistenceEngine !== undefined ? [line('persistence_engine', vs.persistenceEngine)] : []),
};

export const VS_TABLE: Table<VirtualServer> = [
  seconds('delay_loop', 'delayLoopMs', 0.000001, MAX_DELAY_LOOP_S, 60_000),
  lbAlgo('lb_algo'),
  { ...lbAlgo('lvs_sched'), render: () => [] },
  lbKind('lb_kind'),
  persistenceTimeout,
  str('persistence_granularity', 'persistenceGranularity'),
  persistenceEngine,
  protocol,
  int('quorum', 'quorum', 1, 65535, 1),
  int('hysteresis', 'hysteresis', 0, 65535, 0),
  str('quorum_up', 'quorumUp', true),
  str('quorum_down', 'quorumDown', true),
  flag('alpha', 'alpha'),
  flag('omega', 'omega'),
  flag('ha_suspend', 'haSuspend'),
  flag('ops', 'ops'),
  str('virtualhost', 'virtualhost'),
  sorryServer,
  sorryLbKind,
  flag('sorry_server_inhibit', 'sorryServerInhibit'),
  flag('inhibit_on_failure', 'inhibitOnFailure'),
  int('retry', 'retry', 0, 65535),
  seconds('delay_before_retry', 'delayBeforeRetryMs', 0, MAX_TIMER_S),
  seconds('warmup', 'warmupMs', 0, MAX_TIMER_S),
  seconds('connect_timeout', 'connectTimeoutMs', 0.000001, MAX_TIMER_S),
  ...['flag-1', 'flag-2', 'flag-3', 'sh-port', 'sh-fallback', 'mh-port', 'mh-fallback'].map(schedFlag),
  realServer,
  ...RAW_VS.map((k) => raw<VirtualServer>(k)),
];

/** The words after `virtual_server`: `IP PORT`, `fwmark N` or `group NAME`. */
export function parseVsKey(ctx: ParseCtx, stmt: Stmt): VirtualServerKey | undefined {
  if (!needArgs(ctx, stmt, 1)) return undefined;
  const [a, b] = stmt.args;
  if (a!.text === 'fwmark' || a!.text === 'group') {
    if (!needArgs(ctx, stmt, 2)) return undefined;
    if (a!.text === 'group') return { kind: 'group', group: b!.text };
    const n = parseNumber(ctx, b!, 1, 0xffffffff, true, 'virtual_server fwmark');
    if (n === undefined) return undefined;
    return { kind: 'fwmark', fwmark: n, family: stmt.args[2]?.text === 'inet6' ? 'inet6' : 'inet' };
  }
  const family = familyOf(a!.text);
  const port = b && /^\d+$/.test(b.text) ? Number(b.text) : undefined;
  if (!family || (b && (port === undefined || port > 65535))) {
    ctx.sink.warning('invalid-virtual-server', `virtual_server '${stmt.args.map((x) => x.text).join(' ')}' is not 'IP PORT', 'fwmark N' or 'group NAME' - virtual server skipped`, a!.loc);
    return undefined;
  }
  return { kind: 'ip', address: a!.text, port: port ?? 0, family };
}

export function newVirtualServer(key: VirtualServerKey, loc: SourceLoc): VirtualServer {
  return {
    key, protocol: 'TCP', lbAlgo: 'wlc', lbKind: 'NAT', delayLoopMs: 60_000, quorum: 1, hysteresis: 0, alpha: false,
    omega: false, haSuspend: false, ops: false, sorryServerInhibit: false, inhibitOnFailure: false, schedFlags: [],
    realServers: [], loc, extra: {},
  };
}

export function vsName(key: VirtualServerKey): string {
  if (key.kind === 'group') return `group ${key.group}`;
  if (key.kind === 'fwmark') return `fwmark ${key.fwmark}`;
  return `${key.address} ${key.port}`;
}

export function parseVirtualServer(ctx: ParseCtx, stmt: Stmt): VirtualServer | undefined {
  const key = parseVsKey(ctx, stmt);
  if (!key) return undefined;
  const vs = newVirtualServer(key, stmt.keyword.loc);
  const st: VsParseState = { lbKindSet: false, protocolSet: false, lbAlgoSet: false };
  vsState.set(vs, st);
  applyTable(ctx, VS_TABLE, stmt.children ?? [], vs, { where: () => `virtual_server ${vsName(key)}` });
  if (ctx.stopped) return vs;
  if (!st.protocolSet && key.kind !== 'fwmark') {
    vs.protocol = 'UDP';
    ctx.sink.warning('no-protocol', `virtual_server ${vsName(key)}: no protocol - keepalived 2.2.7 defaults to UDP (write 'protocol TCP' if that is what you mean)`, stmt.keyword.loc);
  }
  if (!st.lbAlgoSet) ctx.sink.warning('no-lb-algo', `virtual_server ${vsName(key)}: no lb_algo - wlc used`, stmt.keyword.loc);
  if (!st.lbKindSet) ctx.sink.warning('no-lb-kind', `virtual_server ${vsName(key)}: no lb_kind - NAT used (write 'lb_kind NAT' to make it explicit)`, stmt.keyword.loc);
  if (key.kind === 'fwmark' && st.protocolSet) ctx.sink.warning('fwmark-protocol', `virtual_server fwmark ${key.fwmark}: 'protocol' does not apply to a fwmark service - ignored`, stmt.keyword.loc);
  return vs;
}

export function renderVsKey(key: VirtualServerKey): string[] {
  if (key.kind === 'group') return ['group', key.group];
  if (key.kind === 'fwmark') return key.family === 'inet6' ? ['fwmark', String(key.fwmark), 'inet6'] : ['fwmark', String(key.fwmark)];
  return [key.address, String(key.port)];
}

// --- virtual_server_group

export function parseVsGroup(ctx: ParseCtx, stmt: Stmt): VirtualServerGroup | undefined {
  if (!needArgs(ctx, stmt, 1)) return undefined;
  const g: VirtualServerGroup = { name: stmt.args[0]!.text, entries: [], loc: stmt.keyword.loc };
  for (const c of stmt.children ?? []) {
    const loc = c.keyword.loc;
    if (c.keyword.text === 'fwmark') {
      const n = c.args[0] ? parseNumber(ctx, c.args[0], 1, 0xffffffff, true, 'fwmark') : undefined;
      if (n !== undefined) g.entries.push({ kind: 'fwmark', fwmark: n, family: c.args[1]?.text === 'inet6' ? 'inet6' : 'inet', loc });
      else if (!c.args[0]) ctx.sink.warning('vsg-fwmark', `virtual_server_group ${g.name}: 'fwmark' needs a number`, c.keyword.loc);
      continue;
    }
    // `[^-]*`, not `+`: a word starting with '-' must be reported, not crash the match.
    const m = /^([^-]*)(?:-(\d+))?(.*)$/.exec(c.keyword.text)!;
    const family = familyOf(m[1]!);
    if (!family) {
      ctx.sink.warning('vsg-address', `virtual_server_group ${g.name}: '${c.keyword.text}' is not 'IP[-END] PORT' or 'fwmark N' - skipped`, c.keyword.loc);
      continue;
    }
    if (m[3]) {
      ctx.sink.warning('vsg-range', `virtual_server_group ${g.name}: range '${c.keyword.text}' has extra characters at the end '${m[3]}' - skipped`, c.keyword.loc);
      continue;
    }
    const port = c.args[0] ? parsePort(ctx, c.args[0], 'virtual_server_group port') : 0;
    if (port === undefined) continue;
    const e: VsGroupEntry = { kind: 'ip', address: m[1]!, port, family, loc };
    if (m[2] !== undefined) e.rangeEnd = Number(m[2]);
    g.entries.push(e);
  }
  return g;
}

export function renderVsGroup(g: VirtualServerGroup): RenderLine {
  return {
    words: ['virtual_server_group', g.name],
    children: g.entries.map((e) => (e.kind === 'fwmark'
      ? line('fwmark', e.fwmark!, ...(e.family === 'inet6' ? ['inet6'] : []))
      : line(e.rangeEnd !== undefined ? `${e.address}-${e.rangeEnd}` : e.address!, e.port!))),
  };
}

export function renderVirtualServer(vs: VirtualServer): RenderLine {
  const body: RenderLine[] = [];
  for (const spec of VS_TABLE) body.push(...spec.render(vs));
  return { words: ['virtual_server', ...renderVsKey(vs.key)], children: body };
}
