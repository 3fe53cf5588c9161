// Maps the keepalived.conf model onto what the VRRP engine runs: instance specs in the
// engine's units (ms, full VIP forms), sync groups and vrrp_script runs. Per-instance garp_*
// settings fall back to global_defs' vrrp_garp_*, as keepalived does; vrrp_version applies where
// an instance has no `version`.
import type { KeepalivedConfig, NotifyScripts as ConfigNotify, TrackRef, VirtualAddress, VrrpInstance, VrrpSyncGroup } from '../config/model.js';
import type { EngineConfig, EngineInstanceSpec } from '../vrrp/engine/engine-spec.js';
import type { NotifyScripts } from '../vrrp/engine/notify-sink.js';
import type { ProcessTrackDef } from '../vrrp/engine/process-watcher.js';
import type { VipEntry } from '../vrrp/engine/ports.js';
import type { TrackScriptRun } from '../vrrp/engine/track-script-runner.js';
import { completeSpec } from '../vrrp/fsm/complete-spec.js';
import { AUTH_NONE, AUTH_PASS } from '../vrrp/packet/constants.js';

function vipEntry(v: VirtualAddress, defaultDev: string): VipEntry {
  return {
    cidr: `${v.address}/${v.prefixLen}`,
    dev: v.dev ?? defaultDev,
    ...(v.brd !== undefined ? { brd: v.brd } : {}),
    ...(v.scope !== undefined ? { scope: v.scope } : {}),
    ...(v.label !== undefined ? { label: v.label } : {}),
  };
}

function notifyScripts(n: ConfigNotify): NotifyScripts {
  return {
    ...(n.notify ? { notify: n.notify } : {}),
    ...(n.master ? { master: n.master } : {}),
    ...(n.backup ? { backup: n.backup } : {}),
    ...(n.fault ? { fault: n.fault } : {}),
    ...(n.stop ? { stop: n.stop } : {}),
  };
}

function instanceSpec(i: VrrpInstance, cfg: KeepalivedConfig, warn: (msg: string) => void): EngineInstanceSpec {
  const g = cfg.globalDefs;
  const ifname = i.interface ?? '';
  const version = i.version ?? g.vrrpVersion;
  const strict = i.strictMode ?? g.vrrpStrict;
  const scripts = new Map(cfg.vrrpScripts.map((s) => [s.name, s]));
  const files = new Map(cfg.vrrpTrackFiles.map((f) => [f.name, f]));
  const processes = new Map(cfg.vrrpTrackProcesses.map((p) => [p.name, p]));
  const garpMasterDelayMs = i.garpMasterDelayMs ?? g.vrrpGarpMasterDelayMs;
  const garpMasterRepeat = i.garpMasterRepeat ?? g.vrrpGarpMasterRepeat;
  // Keywords keepalived completes itself (accept, lower-priority GARPs and adverts) stay unset here
  // when the config leaves them unset: completeSpec applies keepalived's rules (strict mode, owner).
  const { spec, warnings } = completeSpec({
    name: i.name,
    vrid: i.virtualRouterId,
    priority: i.priority,
    version,
    family: i.family === 'inet6' ? 'ipv6' : 'ipv4',
    // Empty: the engine reads the interface's primary (or link-local) address at start.
    primaryAddress: i.unicastSrcIp ?? i.mcastSrcIp ?? '',
    vips: i.virtualIpaddresses.map((v) => v.address),
    advertIntMs: i.advertIntMs,
    startState: i.state,
    preempt: !i.nopreempt,
    preemptDelayMs: i.preemptDelayMs,
    unicastPeers: i.unicastPeers.map((p) => p.address),
    authType: i.authentication?.type === 'PASS' ? AUTH_PASS : AUTH_NONE,
    ...(i.authentication?.type === 'PASS' ? { authPassword: i.authentication.pass } : {}),
    skipCheckAdvAddr: i.skipCheckAdvAddr ?? g.vrrpSkipCheckAdvAddr,
    ...(i.accept !== undefined ? { accept: i.accept } : {}),
    strict,
    checkUnicastSource: i.checkUnicastSrc ?? g.vrrpCheckUnicastSrc,
    downTimerAdverts: i.downTimerAdverts,
    garpMasterDelayMs,
    garpMasterRepeat,
    garpMasterRefreshMs: i.garpMasterRefreshMs ?? g.vrrpGarpMasterRefreshMs,
    garpMasterRefreshRepeat: i.garpMasterRefreshRepeat ?? g.vrrpGarpMasterRefreshRepeat,
    ...(i.garpLowerPrioDelayMs !== undefined ? { garpLowerPrioDelayMs: i.garpLowerPrioDelayMs } : {}),
    ...(i.garpLowerPrioRepeat !== undefined ? { garpLowerPrioRepeat: i.garpLowerPrioRepeat } : {}),
    ...(i.lowerPrioNoAdvert !== undefined ? { lowerPrioNoAdvert: i.lowerPrioNoAdvert } : {}),
    ...(i.higherPrioSendAdvert !== undefined ? { higherPrioSendAdvert: i.higherPrioSendAdvert } : {}),
  }, {
    garpLowerPrioRepeat: g.vrrpGarpLowerPrioRepeat ?? garpMasterRepeat,
    garpLowerPrioDelayMs: g.vrrpGarpLowerPrioDelayMs ?? garpMasterDelayMs,
    lowerPrioNoAdvert: g.vrrpLowerPrioNoAdvert,
    higherPrioSendAdvert: g.vrrpHigherPrioSendAdvert,
  });
  for (const w of warnings) warn(w);
  return {
    vrrp: spec,
    interface: ifname,
    vips: i.virtualIpaddresses.map((v) => vipEntry(v, ifname)),
    excludedVips: i.virtualIpaddressesExcluded.map((v) => vipEntry(v, ifname)),
    trackInterfaces: i.trackInterfaces.map((t) => ({ ifname: t.name, weight: t.weight ?? 0, ...(t.reverse ? { reverse: true } : {}) })),
    ...(i.dontTrackPrimary ? { dontTrackPrimary: true } : {}),
    trackScripts: i.trackScripts.map((t) => {
      const own = scripts.get(t.name);
      return { name: t.name, weight: t.weight ?? own?.weight ?? 0, reverse: t.reverse ?? own?.weightReverse ?? false };
    }),
    trackFiles: i.trackFiles.map((t) => {
      const own = files.get(t.name);
      return { name: t.name, weight: t.weight ?? own?.weight ?? 1, reverse: t.reverse ?? own?.weightReverse ?? false };
    }),
    trackProcesses: i.trackProcesses.map((t) => {
      const own = processes.get(t.name);
      return { name: t.name, weight: t.weight ?? own?.weight ?? 0, reverse: t.reverse ?? own?.weightReverse ?? false };
    }),
    ...(i.virtualRoutes.length > 0 ? { routes: i.virtualRoutes.map((r) => ({ family: r.family === 'inet6' ? 'ipv6' as const : 'ipv4' as const, words: r.words })) } : {}),
    ...(i.virtualRules.length > 0 ? { rules: i.virtualRules.map((r) => ({ family: r.family === 'inet6' ? 'ipv6' as const : 'ipv4' as const, words: r.words })) } : {}),
    notify: notifyScripts(i.notify),
  };
}

/** `warn` receives what keepalived would log while completing instances (it keeps running). */
/**
 * A sync group's own track_interface / track_script / track_file / track_process apply to every member, as in
 * keepalived; their weights count only with `sync_group_tracking_weight` (otherwise a failure
 * means FAULT for the member, and so for the group).
 */
function withGroupTracking(cfg: KeepalivedConfig): VrrpInstance[] {
  const groupOf = new Map<string, VrrpSyncGroup>();
  for (const g of cfg.vrrpSyncGroups) for (const m of g.group) groupOf.set(m, g);
  return cfg.vrrpInstances.map((i) => {
    const g = groupOf.get(i.name);
    if (!g || g.trackInterfaces.length + g.trackScripts.length + g.trackFiles.length + g.trackProcesses.length === 0) return i;
    const keepWeights = 'sync_group_tracking_weight' in g.extra;
    const adopt = (refs: TrackRef[], own: TrackRef[]): TrackRef[] => [
      ...own,
      ...refs.filter((r) => !own.some((o) => o.name === r.name)).map((r) => (keepWeights ? r : { ...r, weight: 0 })),
    ];
    return {
      ...i,
      trackInterfaces: adopt(g.trackInterfaces, i.trackInterfaces),
      trackScripts: adopt(g.trackScripts, i.trackScripts),
      trackFiles: adopt(g.trackFiles, i.trackFiles),
      trackProcesses: adopt(g.trackProcesses, i.trackProcesses),
    };
  });
}

export function engineConfigFromModel(cfg: KeepalivedConfig, warn: (msg: string) => void = () => undefined): EngineConfig {
  // keepalived drops instances without an interface or VRID (the config test reports them).
  const usable = withGroupTracking(cfg).filter((i) => i.interface !== undefined && i.virtualRouterId >= 1);
  const names = new Set(usable.map((i) => i.name));
  return {
    instances: usable.map((i) => instanceSpec(i, cfg, warn)),
    syncGroups: cfg.vrrpSyncGroups.map((g) => ({ name: g.name, members: g.group.filter((m) => names.has(m)), notify: notifyScripts(g.notify) })),
    scripts: cfg.vrrpScripts.map((s) => ({ name: s.name, rise: s.rise, fall: s.fall, weight: s.weight, initFail: s.initFail })),
    files: cfg.vrrpTrackFiles.filter((f) => f.file !== undefined).map((f) => ({ name: f.name, path: f.file as string })),
    processes: trackedProcessDefs(cfg, usable),
    garpIntervalMs: cfg.globalDefs.vrrpGarpIntervalMs,
    gnaIntervalMs: cfg.globalDefs.vrrpGnaIntervalMs,
  };
}

/** vrrp_track_process definitions some running instance tracks (keepalived watches no others). */
function trackedProcessDefs(cfg: KeepalivedConfig, instances: VrrpInstance[]): ProcessTrackDef[] {
  const tracked = new Set(instances.flatMap((i) => i.trackProcesses.map((t) => t.name)));
  return cfg.vrrpTrackProcesses.filter((p) => p.process !== undefined && tracked.has(p.name)).map((p) => ({
    name: p.name,
    process: p.process as string,
    ...(p.params ? { params: p.params } : {}),
    ...(p.paramMatch ? { paramMatch: p.paramMatch } : {}),
    fullCommand: p.fullCommand,
    quorum: p.quorum,
    ...(p.quorumMax !== undefined ? { quorumMax: p.quorumMax } : {}),
    forkDelayMs: p.forkDelayMs,
    terminateDelayMs: p.terminateDelayMs,
  }));
}

/** vrrp_script definitions that some instance tracks and that have a command to run. */
export function trackScriptRunsFromModel(cfg: KeepalivedConfig): TrackScriptRun[] {
  const tracked = new Set(withGroupTracking(cfg).flatMap((i) => i.trackScripts.map((t) => t.name)));
  return cfg.vrrpScripts
    .filter((s) => s.script !== undefined && tracked.has(s.name))
    .map((s) => ({ name: s.name, script: s.script as string, intervalMs: s.intervalMs, timeoutMs: s.timeoutMs ?? s.intervalMs }));
}
