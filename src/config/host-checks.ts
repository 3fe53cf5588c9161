// Checks of a model against this host, as keepalived's config test makes them: interfaces the
// configuration names must exist (read from /sys/class/net: os.networkInterfaces() omits
// interfaces that are down), and scripts are checked for existence, their run-as user and
// script security (lib/notify.c): without enable_script_security, any script keepalived finds
// and would run as root makes the config test exit 6 ("SECURITY VIOLATION").
import { readdir, readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import type { DiagnosticSink } from '../../parsers/diagnostics.js';
import { checkScriptSecurity } from '../ops/script-security.js';
import { DEFAULT_SCRIPT_USER, lookupIdentity, ROOT_IDENTITY, ScriptUserError, type ScriptIdentity } from '../ops/script-user.js';
import type { KeepalivedConfig, ScriptUser, SourceLoc } from './model.js';

export interface HostFacts {
  /** Interface names present on the host (network namespace). */
  interfaces: Set<string>;
  /** Those of them that are loopback devices (ARPHRD_LOOPBACK): VRRP cannot run there. */
  loopback?: Set<string>;
}

const ARPHRD_LOOPBACK = '772';

export async function readHostInterfaces(): Promise<Set<string>> {
  try {
    return new Set(await readdir('/sys/class/net'));
  } catch {
    return new Set();
  }
}

async function readLoopbacks(names: Iterable<string>): Promise<Set<string>> {
  const out = new Set<string>();
  for (const n of names) {
    try {
      if ((await readFile(`/sys/class/net/${n}/type`, 'utf8')).trim() === ARPHRD_LOOPBACK) out.add(n);
    } catch {
      // vanished or unreadable: not a loopback we know of
    }
  }
  return out;
}

/**
 * Returns true when keepalived's VRRP process would stop its config test here ("Non-existent
 * interface specified in configuration"): an instance's interface, or the dev of one of its
 * addresses, is missing. It then never reaches its script security check.
 */
function checkInterfaces(cfg: KeepalivedConfig, sink: DiagnosticSink, have: Set<string>, loopback: Set<string>): boolean {
  const missing = (name: string): boolean => !have.has(name.split(':')[0]!);
  let vrrpStops = false;
  for (const v of cfg.vrrpInstances) {
    if (v.interface !== undefined && missing(v.interface)) {
      vrrpStops = true;
      sink.warning('no-such-interface', `vrrp_instance ${v.name}: interface ${v.interface} does not exist on this host (keepalived runs, but the instance stays in FAULT)`, v.loc);
    } else if (v.interface !== undefined && loopback.has(v.interface)) {
      sink.warning('loopback-interface', `vrrp_instance ${v.name}: ${v.interface} is a loopback interface, VRRP cannot run on it - the interface setting is ignored`, v.loc);
    }
    for (const t of v.trackInterfaces) {
      if (missing(t.name)) sink.warning('no-such-interface', `vrrp_instance ${v.name}: track_interface ${t.name} does not exist on this host`, t.loc);
    }
    for (const a of [...v.virtualIpaddresses, ...v.virtualIpaddressesExcluded]) {
      if (a.dev !== undefined && missing(a.dev)) vrrpStops = true;
      if (a.dev !== undefined && missing(a.dev)) sink.warning('no-such-interface', `vrrp_instance ${v.name}: address ${a.address} names dev ${a.dev}, which does not exist on this host`, a.loc);
    }
  }
  for (const g of cfg.vrrpSyncGroups) {
    for (const t of g.trackInterfaces) {
      if (missing(t.name)) sink.warning('no-such-interface', `vrrp_sync_group ${g.name}: track_interface ${t.name} does not exist on this host`, t.loc);
    }
  }
  const sd = cfg.globalDefs.lvsSyncDaemon;
  if (sd && missing(sd.interface)) sink.warning('no-such-interface', `lvs_sync_daemon: interface ${sd.interface} does not exist on this host`, sd.loc);
  return vrrpStops;
}

interface ScriptRef {
  command: string;
  what: string;
  loc: SourceLoc;
  user?: ScriptUser;
  /** A tracking script that keepalived disables (with a warning) when it cannot find it. */
  tracking: boolean;
  /** Checked by keepalived's checker process (else its VRRP process). */
  checker?: boolean;
}

function collectScripts(cfg: KeepalivedConfig): ScriptRef[] {
  const out: ScriptRef[] = [];
  const notifies = (owner: string, n: Record<string, string | undefined>, loc: SourceLoc): void => {
    for (const [k, cmd] of Object.entries(n)) if (cmd) out.push({ command: cmd, what: `${owner} notify ${k}`, loc, tracking: false });
  };
  for (const s of cfg.vrrpScripts) if (s.script) out.push({ command: s.script, what: `vrrp_script ${s.name}`, loc: s.loc, tracking: true, ...(s.user ? { user: s.user } : {}) });
  for (const v of cfg.vrrpInstances) notifies(`vrrp_instance ${v.name}`, { ...v.notify }, v.loc);
  for (const g of cfg.vrrpSyncGroups) notifies(`vrrp_sync_group ${g.name}`, { ...g.notify }, g.loc);
  for (const vs of cfg.virtualServers) {
    if (vs.quorumUp) out.push({ command: vs.quorumUp, what: 'quorum_up', loc: vs.loc, tracking: false, checker: true });
    if (vs.quorumDown) out.push({ command: vs.quorumDown, what: 'quorum_down', loc: vs.loc, tracking: false, checker: true });
    for (const rs of vs.realServers) {
      if (rs.notifyUp) out.push({ command: rs.notifyUp, what: `real_server ${rs.address} notify_up`, loc: rs.loc, tracking: false, checker: true });
      if (rs.notifyDown) out.push({ command: rs.notifyDown, what: `real_server ${rs.address} notify_down`, loc: rs.loc, tracking: false, checker: true });
      for (const c of rs.checkers) {
        if (c.type === 'MISC_CHECK' && c.miscPath) out.push({ command: c.miscPath, what: `MISC_CHECK of real_server ${rs.address}`, loc: c.loc, tracking: false, checker: true, ...(c.user ? { user: c.user } : {}) });
      }
    }
  }
  return out;
}

/** The first word of a command line, as keepalived splits it (quotes group words). */
function executableOf(command: string): string {
  const m = /^\s*(?:'([^']*)'|"([^"]*)"|(\S+))/.exec(command);
  return m ? (m[1] ?? m[2] ?? m[3] ?? '') : '';
}

async function checkScripts(cfg: KeepalivedConfig, sink: DiagnosticSink, vrrpStopped: boolean): Promise<void> {
  const scripts = collectScripts(cfg).filter((s) => s.checker || !vrrpStopped);
  // Nothing to resolve: no user lookups (each one runs getent).
  if (scripts.length === 0 && !cfg.globalDefs.scriptUser) return;
  const security = cfg.globalDefs.enableScriptSecurity;
  const cache = new Map<string, Promise<ScriptIdentity | undefined>>();
  const lookup = (u: ScriptUser): Promise<ScriptIdentity | undefined> => {
    const key = `${u.user}:${u.group ?? ''}`;
    let p = cache.get(key);
    if (!p) {
      p = lookupIdentity(u.user, u.group).catch((err: unknown) => {
        if (err instanceof ScriptUserError) return undefined;
        throw err;
      });
      cache.set(key, p);
    }
    return p;
  };
  let defaultId: ScriptIdentity = ROOT_IDENTITY;
  const su = cfg.globalDefs.scriptUser;
  const dflt = await lookup({ user: DEFAULT_SCRIPT_USER });
  if (dflt) defaultId = dflt;
  if (su) {
    // keepalived resolves script_user whether or not any script is configured.
    const id = await lookup(su);
    if (id) defaultId = id;
    else sink.warning('script-user', `script_user ${su.user}${su.group ? ` ${su.group}` : ''}: no such user or group on this host - scripts run as ${defaultId.user}`, cfg.globalDefs.loc);
  }
  // With enable_script_security keepalived never falls back to root implicitly: without
  // script_user and without a keepalived_script user, scripts lacking their own user are dropped.
  const noDefaultUser = security && !dflt && !(su && defaultId !== ROOT_IDENTITY);
  let violation = false;
  for (const s of scripts) {
    let id = defaultId;
    if (!s.user && noDefaultUser) {
      sink.warning('no-default-script-user', `${s.what}: enable_script_security is set but there is no user to run it as (no script_user, no '${DEFAULT_SCRIPT_USER}' user) - script disabled`, s.loc);
      continue;
    }
    if (s.user) {
      const own = await lookup(s.user);
      if (!own) {
        sink.warning('script-user', `${s.what}: user ${s.user.user} does not exist on this host`, s.loc);
        continue;
      }
      id = own;
    }
    const exe = executableOf(s.command);
    let verdict: Awaited<ReturnType<typeof checkScriptSecurity>>;
    try {
      verdict = await checkScriptSecurity(exe, id, { scriptSecurity: security });
    } catch (err) {
      // A path we may not inspect (EACCES, a race with a deleted file): say so, never crash.
      sink.warning('script-check-failed', `${s.what}: cannot check '${exe}': ${(err as Error).message}`, s.loc);
      continue;
    }
    if (verdict.notFound) {
      if (s.tracking) sink.warning('script-not-found', `${s.what}: '${exe}' not found or not accessible - script disabled`, s.loc);
      continue;
    }
    if (!verdict.executable) continue;
    if (security && verdict.insecure) {
      sink.warning('script-insecure', `${s.what}: ${verdict.reason ?? 'insecure'} - script disabled by enable_script_security`, s.loc);
      continue;
    }
    if (!security && id.uid === 0) violation = true;
  }
  if (violation) {
    sink.error('script-security', 'scripts would run as root but enable_script_security is not set (keepalived: "SECURITY VIOLATION - scripts are being executed but script_security not enabled"): add enable_script_security and script_user to global_defs', cfg.globalDefs.loc, 6);
  }
}

/**
 * `parsedInstances`: every vrrp_instance as parsed, including those validation removed (keepalived
 * checks their interfaces before it drops them).
 */
/**
 * Priority 255 declares this router the owner of the virtual addresses (RFC 3768 5.3.4): say so
 * when none of them is actually configured here. keepalived accepts it, so the verdict is unchanged.
 */
function checkOwnerPriority(cfg: KeepalivedConfig, sink: DiagnosticSink): void {
  const local = new Set(Object.values(networkInterfaces()).flatMap((l) => (l ?? []).map((a) => a.address)));
  for (const v of cfg.vrrpInstances) {
    if (v.priority !== 255 || v.virtualIpaddresses.length === 0) continue;
    if (v.virtualIpaddresses.some((a) => local.has(a.address))) continue;
    sink.warning('owner-priority', `vrrp_instance ${v.name}: priority 255 means "address owner", but none of its virtual addresses is configured on this host - use 254 or less unless this router really owns them`, v.loc, 0);
  }
}

export async function checkAgainstHost(cfg: KeepalivedConfig, sink: DiagnosticSink, facts?: HostFacts, parsedInstances?: KeepalivedConfig['vrrpInstances']): Promise<void> {
  const interfaces = facts?.interfaces ?? (await readHostInterfaces());
  const all = parsedInstances ?? cfg.vrrpInstances;
  const used = new Set(cfg.vrrpInstances.map((v) => v.interface).filter((i): i is string => i !== undefined && interfaces.has(i)));
  const vrrpStopped = checkInterfaces({ ...cfg, vrrpInstances: all }, sink, interfaces, facts?.loopback ?? (await readLoopbacks(used)));
  checkOwnerPriority(cfg, sink);
  await checkScripts(cfg, sink, vrrpStopped);
}
