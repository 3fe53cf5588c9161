// Semantic validation of a parsed model (pure: no host access). Reports what keepalived 2.2.7
// reports after reading the file (vrrp_data.c / check_data.c / vrrp_sync.c), plus the checks its
// users asked for (duplicate VRID on one interface: keepalived issue 389). Objects keepalived
// drops (no virtual_router_id, a vrrp_script without script, an empty sync group) are removed
// from the model, as keepalived removes them, so consumers see what keepalived would run.
import type { DiagnosticSink } from '../../parsers/diagnostics.js';
import { vsName } from '../../parsers/tables/lvs.js';
import type { KeepalivedConfig, RealServer, SourceLoc, TrackRef, VrrpInstance } from './model.js';
import { bodyRegex } from '../check/body-regex.js';

function checkTrackRefs(sink: DiagnosticSink, owner: string, refs: TrackRef[], known: Set<string>, kind: string): TrackRef[] {
  return refs.filter((r) => {
    if (known.has(r.name)) return true;
    sink.warning(`undefined-${kind.replace(/ /g, '-')}`, `${owner}: ${kind} '${r.name}' is not defined - ignored`, r.loc);
    return false;
  });
}

function checkInstance(sink: DiagnosticSink, cfg: KeepalivedConfig, v: VrrpInstance): boolean {
  const who = `vrrp_instance ${v.name}`;
  if (v.virtualRouterId === 0) {
    sink.error('missing-vrid', `${who}: virtual_router_id is not set (1-255) - instance removed`, v.loc);
    return false;
  }
  if (v.interface === undefined) {
    sink.warning('no-interface', `${who}: no 'interface' - keepalived cannot run this instance on any interface`, v.loc);
  }
  const version = v.version ?? cfg.globalDefs.vrrpVersion;
  if (version === 2 && v.advertIntMs % 1000 !== 0) {
    const rounded = Math.max(1000, Math.round(v.advertIntMs / 1000) * 1000);
    sink.warning('advert-int-v2', `${who}: VRRPv2 advert_int must be whole seconds - ${v.advertIntMs / 1000} rounded to ${rounded / 1000}`, v.loc);
    v.advertIntMs = rounded;
  } else if (version === 3 && (v.advertIntMs % 10 !== 0 || v.advertIntMs > 40950)) {
    sink.warning('advert-int-v3', `${who}: VRRPv3 advert_int must be a multiple of 0.01 s up to 40.95 s`, v.loc);
    v.advertIntMs = Math.min(40950, Math.max(10, Math.round(v.advertIntMs / 10) * 10));
  }
  if (version === 2 && v.accept && (v.strictMode ?? cfg.globalDefs.vrrpStrict)) {
    sink.warning('accept-strict-v2', `${who}: 'accept' with strict mode does not comply with RFC 3768 (VRRPv2) - accept cleared`, v.loc);
    v.accept = false;
  }
  if (v.state === 'MASTER' && v.nopreempt) {
    sink.warning('nopreempt-master', `${who}: nopreempt does not work with 'state MASTER' - nopreempt cleared`, v.loc);
    v.nopreempt = false;
  }
  if (v.state === 'MASTER' && v.authentication?.type === 'AH') {
    sink.warning('ah-master', `${who}: 'state MASTER' is incompatible with AH authentication - state set to BACKUP`, v.loc);
    v.state = 'BACKUP';
  }
  const first = v.virtualIpaddresses[0]?.family;
  // keepalived keeps the first address's family and ignores the others (like it, we drop them).
  v.virtualIpaddresses = v.virtualIpaddresses.filter((a) => {
    if (a.family === first) return true;
    sink.error('vip-family-mix', `${who}: ${a.address} is ${a.family === 'inet6' ? 'IPv6' : 'IPv4'} but the instance's first virtual_ipaddress is not - address ignored (put it in virtual_ipaddress_excluded)`, a.loc);
    return false;
  });
  if (v.virtualIpaddresses[0]) v.family = v.virtualIpaddresses[0].family;
  if (v.virtualIpaddresses.length === 0) sink.warning('no-vip', `${who}: no virtual_ipaddress - at least one is sensible`, v.loc);
  if (v.unicastSrcIp !== undefined && v.unicastPeers.length === 0) {
    sink.warning('unicast-no-peers', `${who}: unicast_src_ip is set but there is no unicast_peer - multicast is used (deprecated usage)`, v.loc);
  }
  if (v.priority === 255 && v.virtualIpaddresses.length > 0 && v.state !== 'MASTER') {
    // Address owner: keepalived forces MASTER at start-up; nothing to report.
  }
  v.trackInterfaces = v.trackInterfaces.filter((t) => {
    if (t.name !== v.interface) return true;
    sink.warning('track-own-interface', `${who}: track_interface ${t.name} is the instance's own interface - ignored`, t.loc);
    return false;
  });
  v.trackScripts = checkTrackRefs(sink, who, v.trackScripts, new Set(cfg.vrrpScripts.map((s) => s.name)), 'track script');
  v.trackFiles = checkTrackRefs(sink, who, v.trackFiles, new Set(cfg.vrrpTrackFiles.map((s) => s.name)), 'track file');
  v.trackProcesses = checkTrackRefs(sink, who, v.trackProcesses, new Set(cfg.vrrpTrackProcesses.map((s) => s.name)), 'track process');
  if (v.lvsSyncDaemonInterface && !cfg.globalDefs.lvsSyncDaemon) {
    cfg.globalDefs.lvsSyncDaemon = { interface: v.lvsSyncDaemonInterface, instance: v.name, loc: v.loc };
  }
  return true;
}

function checkDuplicateVrids(sink: DiagnosticSink, cfg: KeepalivedConfig): void {
  const seen = new Map<string, VrrpInstance>();
  for (const v of cfg.vrrpInstances) {
    if (v.interface === undefined) continue;
    const key = `${v.interface}/${v.family}/${v.virtualRouterId}/${v.unicastPeers.length ? 'u' : 'm'}`;
    const prev = seen.get(key);
    if (prev) {
      sink.error('duplicate-vrid', `vrrp_instance ${v.name}: virtual_router_id ${v.virtualRouterId} is already used on ${v.interface} by vrrp_instance ${prev.name} (${prev.loc.file}:${prev.loc.line}) - the two would fight over one virtual router`, v.loc);
    } else seen.set(key, v);
  }
}

function checkSyncGroups(sink: DiagnosticSink, cfg: KeepalivedConfig): void {
  const names = new Set(cfg.vrrpInstances.map((v) => v.name));
  const owner = new Map<string, string>();
  cfg.vrrpSyncGroups = cfg.vrrpSyncGroups.filter((g) => {
    g.group = g.group.filter((m) => {
      if (!names.has(m)) {
        sink.warning('sync-member-undefined', `vrrp_sync_group ${g.name}: member '${m}' is not a vrrp_instance - ignored`, g.loc);
        return false;
      }
      const other = owner.get(m);
      if (other) {
        sink.error('sync-member-twice', `vrrp_instance ${m} is in vrrp_sync_group ${other} and ${g.name}: an instance can be in only one sync group`, g.loc);
        return false;
      }
      owner.set(m, g.name);
      return true;
    });
    if (g.group.length === 0) {
      sink.warning('sync-group-empty', `vrrp_sync_group ${g.name} has no vrrp_instance - removed`, g.loc);
      return false;
    }
    if (g.group.length === 1) {
      sink.warning('sync-group-single', `vrrp_sync_group ${g.name} has only one vrrp_instance (${g.group[0]}) - a sync group synchronises two or more`, g.loc);
    }
    g.trackScripts = checkTrackRefs(sink, `vrrp_sync_group ${g.name}`, g.trackScripts, new Set(cfg.vrrpScripts.map((s) => s.name)), 'track script');
    g.trackProcesses = checkTrackRefs(sink, `vrrp_sync_group ${g.name}`, g.trackProcesses, new Set(cfg.vrrpTrackProcesses.map((s) => s.name)), 'track process');
    return true;
  });
}

/**
 * Checker settings keepalived honours and ka-ts does not (or not exactly): said once per place,
 * as warnings that leave keepalived's exit code alone, so `-t` and the daemon's start-up log both
 * tell the operator what their checks will not do.
 */
function checkerNotes(sink: DiagnosticSink, rs: RealServer): void {
  const note = (message: string, loc: SourceLoc): void => sink.warning('not-implemented', `${message} (ka-ts)`, loc, 0);
  for (const kind of ['FILE_CHECK', 'BFD_CHECK']) {
    if (rs.extra[kind]?.length) note(`real_server ${rs.address} ${rs.port}: ${kind} is not implemented - accepted and ignored`, rs.loc);
  }
  for (const c of rs.checkers) {
    // TCP_CHECK's native prober sets SO_BINDTODEVICE / SO_MARK; the other checkers' sockets come from libraries that cannot.
    if (c.type !== 'TCP_CHECK' && c.bindIf !== undefined) note(`${c.type}: bind_if ${c.bindIf} is not implemented (TCP_CHECK only) - the check is not bound to the interface`, c.loc);
    if (c.type !== 'TCP_CHECK' && c.fwmark) note(`${c.type}: fwmark ${c.fwmark} is not implemented (TCP_CHECK only) - the check's packets are not marked`, c.loc);
    if (c.type === 'PING_CHECK' && c.bindto !== undefined) note(`PING_CHECK: bindto ${c.bindto} is not implemented - the echo request leaves from the route's source address`, c.loc);
    if (c.type !== 'HTTP_GET' && c.type !== 'SSL_GET') continue;
    if (c.httpProtocol !== undefined && c.httpProtocol !== '1.1') note(`${c.type}: http_protocol ${c.httpProtocol} - ka-ts always sends HTTP/1.1 requests with Connection: close (http_protocol 1.1)`, c.loc);
    for (const u of c.urls) {
      if (u.regex === undefined) continue;
      const r = bodyRegex({ ...u, regex: u.regex });
      if (r.error) note(`url ${u.path}: regex ${JSON.stringify(u.regex)} is not a JavaScript regular expression (${r.error}) - this checker is not run`, u.loc);
      for (const o of r.ignoredOptions) note(`url ${u.path}: regex_options ${o} has no JavaScript equivalent - ignored`, u.loc);
      if (u.regexOptions?.includes('utf') && (u.regexMinOffset !== undefined || u.regexMaxOffset !== undefined)) note(`url ${u.path}: with regex_options utf, regex_min_offset / regex_max_offset count characters, not bytes`, u.loc);
    }
  }
}

function checkVirtualServers(sink: DiagnosticSink, cfg: KeepalivedConfig): void {
  const groups = new Set(cfg.virtualServerGroups.map((g) => g.name));
  cfg.virtualServers = cfg.virtualServers.filter((vs) => {
    for (const rs of vs.realServers) {
      checkerNotes(sink, rs);
      rs.checkers = rs.checkers.filter((c) => {
        if ((c.type === 'HTTP_GET' || c.type === 'SSL_GET') && c.urls.length === 0) {
          // keepalived 2.2.7 crashes (SIGSEGV) on this in its config test; ka-ts reports it.
          sink.warning('http-no-url', `${c.type} of real_server ${rs.address} ${rs.port} has no url with a path - checker skipped`, c.loc);
          return false;
        }
        if (c.type !== 'MISC_CHECK' || c.miscPath) return true;
        sink.warning('misc-no-path', `MISC_CHECK of real_server ${rs.address} ${rs.port} has no misc_path - checker skipped`, c.loc);
        return false;
      });
    }
    if (vs.key.kind === 'group' && !groups.has(vs.key.group)) {
      // keepalived says nothing and builds no service from it; say it, without changing its verdict.
      sink.warning('undefined-vs-group', `virtual_server group ${vs.key.group}: no virtual_server_group ${vs.key.group} is defined - this virtual server creates no service`, vs.loc, 0);
      return false;
    }
    if (vs.realServers.length === 0) {
      sink.warning('no-real-servers', `virtual_server ${vsName(vs.key)} has no real_server - ignored`, vs.loc);
      return false;
    }
    const total = vs.realServers.reduce((s, r) => s + r.weight, 0);
    if (vs.quorum > total && vs.realServers.length > 0) {
      sink.warning('quorum-unreachable', `virtual_server ${vsName(vs.key)}: quorum ${vs.quorum} exceeds the total weight of its real servers (${total}) - quorum reduced to ${total}`, vs.loc);
      vs.quorum = total;
    }
    return true;
  });
}

export function validateModel(cfg: KeepalivedConfig, sink: DiagnosticSink): void {
  cfg.vrrpScripts = cfg.vrrpScripts.filter((s) => {
    if (s.script) return true;
    sink.warning('script-missing', `vrrp_script ${s.name} has no 'script' - removed`, s.loc);
    return false;
  });
  // keepalived vrrp_tprocess_end_handler: a block without `process` is dropped.
  cfg.vrrpTrackProcesses = cfg.vrrpTrackProcesses.filter((p) => {
    if (p.process !== undefined) return true;
    sink.warning('process-missing', `vrrp_track_process ${p.name} has no 'process' - removed`, p.loc);
    return false;
  });
  const seenNames = new Set<string>();
  cfg.vrrpInstances = cfg.vrrpInstances.filter((v) => {
    if (seenNames.has(v.name)) return false;
    seenNames.add(v.name);
    return checkInstance(sink, cfg, v);
  });
  checkDuplicateVrids(sink, cfg);
  checkSyncGroups(sink, cfg);
  checkVirtualServers(sink, cfg);
}
