// Maps the keepalived.conf model onto what the VRRP engine runs: instance specs in the
// engine's units (ms, full VIP forms), sync groups and vrrp_script runs. Per-instance garp_*
// settings fall back to global_defs' vrrp_garp_*, as keepalived does; vrrp_version applies where
// an instance has no `version`.
import type { KeepalivedConfig, NotifyScripts as ConfigNotify, VirtualAddress, VrrpInstance } from '../config/model.js';
import type { EngineConfig, EngineInstanceSpec } from '../vrrp/engine/engine-spec.js';
import type { NotifyScripts } from '../vrrp/engine/notify-sink.js';
import type { VipEntry } from '../vrrp/engine/ports.js';
import type { TrackScriptRun } from '../vrrp/engine/track-script-runner.js';
import { makeSpec } from '../vrrp/fsm/spec.js';
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

function instanceSpec(i: VrrpInstance, cfg: KeepalivedConfig): EngineInstanceSpec {
  const g = cfg.globalDefs;
  const ifname = i.interface ?? '';
  const version = i.version ?? g.vrrpVersion;
  const family = i.family === 'inet6' ? 'ipv6' : 'ipv4';
  const scripts = new Map(cfg.vrrpScripts.map((s) => [s.name, s]));
  const garpMasterDelayMs = i.garpMasterDelayMs ?? g.vrrpGarpMasterDelayMs;
  return {
    vrrp: makeSpec({
      name: i.name,
      vrid: i.virtualRouterId,
      priority: i.priority,
      version,
      family,
      // Empty: the engine reads the interface's primary (or link-local) address at start.
      primaryAddress: i.unicastSrcIp ?? i.mcastSrcIp ?? '',
      vips: i.virtualIpaddresses.map((v) => v.address),
      advertIntMs: i.advertIntMs,
      startState: i.state,
      preempt: !i.nopreempt,
      preemptDelayMs: i.preemptDelayMs,
      unicastPeers: i.unicastPeers.map((p) => p.address),
      authType: version === 2 && i.authentication?.type === 'PASS' ? AUTH_PASS : AUTH_NONE,
      ...(version === 2 && i.authentication?.type === 'PASS' ? { authPassword: i.authentication.pass } : {}),
      skipCheckAdvAddr: i.skipCheckAdvAddr ?? g.vrrpSkipCheckAdvAddr,
      accept: i.accept ?? !(i.strictMode ?? g.vrrpStrict),
      strict: i.strictMode ?? g.vrrpStrict,
      checkUnicastSource: i.checkUnicastSrc ?? g.vrrpCheckUnicastSrc,
      downTimerAdverts: i.downTimerAdverts,
      garpMasterDelayMs,
      garpMasterRepeat: i.garpMasterRepeat ?? g.vrrpGarpMasterRepeat,
      garpMasterRefreshMs: i.garpMasterRefreshMs ?? g.vrrpGarpMasterRefreshMs,
      garpMasterRefreshRepeat: i.garpMasterRefreshRepeat ?? g.vrrpGarpMasterRefreshRepeat,
      garpLowerPrioDelayMs: i.garpLowerPrioDelayMs ?? g.vrrpGarpLowerPrioDelayMs ?? garpMasterDelayMs,
      garpLowerPrioRepeat: i.garpLowerPrioRepeat ?? g.vrrpGarpLowerPrioRepeat ?? 0,
      lowerPrioNoAdvert: i.lowerPrioNoAdvert ?? g.vrrpLowerPrioNoAdvert,
      higherPrioSendAdvert: i.higherPrioSendAdvert ?? g.vrrpHigherPrioSendAdvert,
    }),
    interface: ifname,
    vips: i.virtualIpaddresses.map((v) => vipEntry(v, ifname)),
    excludedVips: i.virtualIpaddressesExcluded.map((v) => vipEntry(v, ifname)),
    trackInterfaces: i.trackInterfaces.map((t) => ({ ifname: t.name, weight: t.weight ?? 0 })),
    trackScripts: i.trackScripts.map((t) => {
      const own = scripts.get(t.name);
      const w = t.weight ?? own?.weight ?? 0;
      const reverse = t.reverse ?? own?.weightReverse ?? false;
      return { name: t.name, weight: reverse ? -w : w };
    }),
    notify: notifyScripts(i.notify),
  };
}

export function engineConfigFromModel(cfg: KeepalivedConfig): EngineConfig {
  // keepalived drops instances without an interface or VRID (the config test reports them).
  const usable = cfg.vrrpInstances.filter((i) => i.interface !== undefined && i.virtualRouterId >= 1);
  const names = new Set(usable.map((i) => i.name));
  return {
    instances: usable.map((i) => instanceSpec(i, cfg)),
    syncGroups: cfg.vrrpSyncGroups.map((g) => ({ name: g.name, members: g.group.filter((m) => names.has(m)), notify: notifyScripts(g.notify) })),
    scripts: cfg.vrrpScripts.map((s) => ({ name: s.name, rise: s.rise, fall: s.fall, weight: s.weightReverse ? -s.weight : s.weight })),
  };
}

/** vrrp_script definitions that some instance tracks and that have a command to run. */
export function trackScriptRunsFromModel(cfg: KeepalivedConfig): TrackScriptRun[] {
  const tracked = new Set(cfg.vrrpInstances.flatMap((i) => i.trackScripts.map((t) => t.name)).concat(cfg.vrrpSyncGroups.flatMap((g) => g.trackScripts.map((t) => t.name))));
  return cfg.vrrpScripts
    .filter((s) => s.script !== undefined && tracked.has(s.name))
    .map((s) => ({ name: s.name, script: s.script as string, intervalMs: s.intervalMs, timeoutMs: s.timeoutMs ?? s.intervalMs }));
}
