// Maps the shared config model (src/config/model.ts) onto the checker's own input types,
// resolving keepalived's inheritance and defaults (defaults.ts) once. Anything the checker cannot
// run (a MISC_CHECK without misc_path, an unknown DNS type, a bad hex string, a checker with no
// port to connect to) becomes a located diagnostic and that checker is left out — the rest runs.

import net from 'node:net';
import type { Checker, KeepalivedConfig, RealServer, ScriptUser, SourceLoc, VirtualServer, VirtualServerGroup } from '../config/model.js';
import type { CheckerSpec, ConnectSpec, DnsQueryType, HttpUrlSpec, ProbeSpec, RealServerSpec, VirtualServerSpec } from './spec.js';
import { bodyRegex } from './body-regex.js';
import { resolveTiming, type TimingLayer } from './defaults.js';
import { HexStringError, parseKeepalivedHex } from './probes/hex-string.js';

export interface CheckConfigDiagnostic { loc: SourceLoc; message: string }

export interface FromConfigOptions {
  /** Resolves a MISC_CHECK `user USER [GROUP]` (looked up beforehand, e.g. ops/script-user.ts). */
  resolveUser?: (user: ScriptUser) => { uid: number; gid: number } | undefined;
  /** Identity for MISC_CHECK scripts without `user` (keepalived's script_user / default). */
  defaultScriptUser?: { uid: number; gid: number };
}

const DNS_TYPES: readonly DnsQueryType[] = ['A', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'AAAA', 'RRSIG', 'DNSKEY'];

/** Stable identity of a virtual server, shared with the IPVS side: "10.0.0.1 80 TCP", "fwmark 7", "group web TCP". */
export function virtualServerId(vs: Pick<VirtualServer, 'key' | 'protocol'>): string {
  const k = vs.key;
  if (k.kind === 'ip') return `${k.address} ${k.port} ${vs.protocol}`;
  if (k.kind === 'fwmark') return `fwmark ${k.fwmark}`;
  return `group ${k.group} ${vs.protocol}`;
}

/** Every address a group names (ranges expanded on the last byte / 16-bit word). */
function groupAddresses(group: VirtualServerGroup | undefined): string[] {
  const out: string[] = [];
  for (const e of group?.entries ?? []) {
    if (e.kind !== 'ip' || !e.address) continue;
    if (e.rangeEnd === undefined) { out.push(e.address); continue; }
    if (net.isIPv4(e.address)) {
      const parts = e.address.split('.');
      for (let b = Number(parts[3]); b <= e.rangeEnd && b <= 255; b++) out.push(`${parts.slice(0, 3).join('.')}.${b}`);
    } else {
      const idx = e.address.lastIndexOf(':');
      const head = e.address.slice(0, idx + 1);
      for (let w = parseInt(e.address.slice(idx + 1) || '0', 16); w <= e.rangeEnd && w <= 0xffff; w++) out.push(`${head}${w.toString(16)}`);
    }
  }
  return out;
}

const layer = (o: { delayLoopMs?: number; retry?: number; delayBeforeRetryMs?: number; warmupMs?: number; alpha?: boolean; connectTimeoutMs?: number }): TimingLayer => {
  const l: TimingLayer = {};
  if (o.delayLoopMs !== undefined) l.delayLoop = o.delayLoopMs / 1000;
  if (o.retry !== undefined) l.retry = o.retry;
  if (o.delayBeforeRetryMs !== undefined) l.delayBeforeRetry = o.delayBeforeRetryMs / 1000;
  if (o.warmupMs !== undefined) l.warmup = o.warmupMs / 1000;
  if (o.alpha !== undefined) l.alpha = o.alpha;
  if (o.connectTimeoutMs !== undefined) l.connectTimeout = o.connectTimeoutMs / 1000;
  return l;
};

function probeFor(c: Checker, connect: ConnectSpec, vs: VirtualServer, delayLoopMs: number, opts: FromConfigOptions, diag: CheckConfigDiagnostic[]): ProbeSpec | undefined {
  const bad = (message: string): undefined => { diag.push({ loc: c.loc, message: `${c.type}: ${message} — checker not run` }); return undefined; };
  switch (c.type) {
    case 'TCP_CHECK': return { type: 'TCP_CHECK', connect };
    case 'PING_CHECK': return { type: 'PING_CHECK', connect };
    case 'SMTP_CHECK': return { type: 'SMTP_CHECK', connect, heloName: c.heloName };
    case 'HTTP_GET':
    case 'SSL_GET': {
      if (!c.urls.length) return bad('no url block');
      const urls: HttpUrlSpec[] = [];
      for (const u of c.urls) {
        const url: HttpUrlSpec = { path: u.path, statusCodes: u.statusCode, ...(u.digest ? { digest: u.digest.toLowerCase() } : {}), ...(u.virtualhost ? { virtualhost: u.virtualhost } : {}) };
        if (u.regex !== undefined) {
          // Options JavaScript has no equivalent for are reported by the config check (validate.ts).
          const r = bodyRegex({ ...u, regex: u.regex });
          if (!r.spec) return bad(`url ${u.path}: regex ${JSON.stringify(u.regex)} is not a JavaScript regular expression (${r.error})`);
          url.regex = r.spec;
        }
        urls.push(url);
      }
      const spec: ProbeSpec = { type: c.type, connect, urls };
      const vhost = c.virtualhost ?? vs.virtualhost;
      if (vhost) spec.virtualhost = vhost;
      if (c.enableSni) spec.enableSni = true;
      return spec;
    }
    case 'MISC_CHECK': {
      if (!c.miscPath) return bad('no misc_path');
      const spec: ProbeSpec = { type: 'MISC_CHECK', path: c.miscPath, timeoutMs: c.miscTimeoutMs ?? delayLoopMs, dynamic: c.miscDynamic };
      const id = c.user ? opts.resolveUser?.(c.user) : opts.defaultScriptUser;
      if (c.user && !id) return bad(`user ${c.user.user}${c.user.group ? ` ${c.user.group}` : ''} cannot be resolved`);
      if (id) { spec.uid = id.uid; spec.gid = id.gid; }
      return spec;
    }
    case 'UDP_CHECK': {
      const spec: ProbeSpec = { type: 'UDP_CHECK', connect, requireReply: c.requireReply !== undefined, minReplyLength: c.minReplyLength, maxReplyLength: c.maxReplyLength };
      try {
        if (c.payload) spec.payload = parseKeepalivedHex(c.payload, false).data;
        if (c.requireReply) {
          const r = parseKeepalivedHex(c.requireReply, true);
          spec.replyData = r.data;
          if (r.mask) spec.replyMask = r.mask;
        }
      } catch (err) {
        if (err instanceof HexStringError) return bad(err.message);
        throw err;
      }
      return spec;
    }
    case 'DNS_CHECK': {
      const t = c.dnsType.toUpperCase() as DnsQueryType;
      if (!DNS_TYPES.includes(t)) return bad(`unknown DNS type ${c.dnsType} (${DNS_TYPES.join('|')})`);
      return { type: 'DNS_CHECK', connect, queryType: t, name: c.name };
    }
  }
}

function realServerSpec(vs: VirtualServer, rs: RealServer, opts: FromConfigOptions, diag: CheckConfigDiagnostic[]): RealServerSpec {
  const checkers: CheckerSpec[] = [];
  for (const c of rs.checkers) {
    const t = resolveTiming(c.type, layer(c), layer(rs), layer(vs));
    const port = c.connectPort ?? rs.port;
    const connect: ConnectSpec = { host: c.connectIp ?? rs.address, port, timeoutMs: t.connectTimeoutMs };
    if (c.bindto) connect.bindTo = c.bindto;
    if (c.bindPort) connect.bindPort = c.bindPort;
    // Only TCP_CHECK's native prober sets these; for the other types the config check says so.
    if (c.type === 'TCP_CHECK' && c.bindIf !== undefined) connect.bindIf = c.bindIf;
    if (c.type === 'TCP_CHECK' && c.fwmark) connect.fwmark = c.fwmark;
    const needsPort = c.type !== 'MISC_CHECK' && c.type !== 'PING_CHECK';
    if (needsPort && !port) { diag.push({ loc: c.loc, message: `${c.type}: no port to connect to (fwmark service: set connect_port) — checker not run` }); continue; }
    const probe = probeFor(c, connect, vs, t.delayLoopMs, opts, diag);
    if (!probe) continue;
    const { connectTimeoutMs: _unused, ...timing } = t;
    checkers.push({ probe, timing });
  }
  const spec: RealServerSpec = { address: rs.address, port: rs.port, weight: rs.weight, inhibitOnFailure: rs.inhibitOnFailure ?? vs.inhibitOnFailure, checkers };
  if (rs.notifyUp) spec.notifyUp = { command: rs.notifyUp };
  if (rs.notifyDown) spec.notifyDown = { command: rs.notifyDown };
  return spec;
}

/**
 * keepalived's check_parser.c end-of-configuration fix-ups, which change what the checker runs
 * with: a quorum above the total real-server weight is reduced to it ("otherwise we will never be
 * able to come up"), and a hysteresis ≥ quorum becomes quorum − 1.
 */
export function effectiveQuorum(vs: Pick<VirtualServer, 'quorum' | 'hysteresis' | 'realServers' | 'loc' | 'key' | 'protocol'>, diag: CheckConfigDiagnostic[]): { quorum: number; hysteresis: number } {
  let { quorum, hysteresis } = vs;
  const weightSum = vs.realServers.reduce((a, rs) => a + rs.weight, 0);
  if (quorum > weightSum) {
    diag.push({ loc: vs.loc, message: `virtual_server ${virtualServerId(vs)}: quorum ${quorum} exceeds the total weight of its real servers (${weightSum}); using quorum ${weightSum}, as keepalived does` });
    quorum = weightSum;
  }
  if (hysteresis >= quorum && hysteresis > 0) {
    const h = Math.max(0, quorum - 1);
    diag.push({ loc: vs.loc, message: `virtual_server ${virtualServerId(vs)}: hysteresis ${hysteresis} >= quorum ${quorum}; using hysteresis ${h}, as keepalived does` });
    hysteresis = h;
  }
  return { quorum, hysteresis };
}

export function checkerSpecsFromConfig(cfg: Pick<KeepalivedConfig, 'virtualServers' | 'virtualServerGroups'>, opts: FromConfigOptions = {}): { specs: VirtualServerSpec[]; diagnostics: CheckConfigDiagnostic[] } {
  const diagnostics: CheckConfigDiagnostic[] = [];
  const groups = new Map(cfg.virtualServerGroups.map((g) => [g.name, g]));
  const specs = cfg.virtualServers.map((vs): VirtualServerSpec => {
    const { quorum, hysteresis } = effectiveQuorum(vs, diagnostics);
    const spec: VirtualServerSpec = {
      id: virtualServerId(vs),
      quorum,
      hysteresis,
      alpha: vs.alpha,
      omega: vs.omega,
      haSuspend: vs.haSuspend,
      realServers: vs.realServers.map((rs) => realServerSpec(vs, rs, opts, diagnostics)),
    };
    if (vs.key.kind === 'ip') spec.vipAddresses = [vs.key.address];
    else if (vs.key.kind === 'group') spec.vipAddresses = groupAddresses(groups.get(vs.key.group));
    if (vs.quorumUp) spec.quorumUp = { command: vs.quorumUp };
    if (vs.quorumDown) spec.quorumDown = { command: vs.quorumDown };
    if (vs.sorryServer) spec.sorryServer = { address: vs.sorryServer.address, port: vs.sorryServer.port, weight: 1, inhibit: vs.sorryServerInhibit };
    return spec;
  });
  return { specs, diagnostics };
}
