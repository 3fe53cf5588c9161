// Maps the standalone JSON (keepalived keywords, seconds) onto the engine's specs (ms, full VIP
// forms), applying keepalived 2.2.7's defaults through the state machine's makeSpec.
import { makeSpec } from '../fsm/spec.js';
import type { EngineConfig, EngineInstanceSpec } from './engine-spec.js';
import type { StandaloneConfig, StandaloneInstance } from './standalone-config.js';
import type { TrackScriptRun } from './track-script-runner.js';
import type { IpObject } from './ports.js';
import { isIPv6 } from 'node:net';

/** The family of a route/rule line: IPv6 if any word is an IPv6 address or prefix. */
function ipObject(line: string): IpObject {
  const words = line.trim().split(/\s+/);
  return { family: words.some((w) => isIPv6(w.split('/')[0]!)) ? 'ipv6' : 'ipv4', words };
}

function advertIntMs(version: 2 | 3, seconds: number): number {
  // keepalived rounds: v2 to whole seconds (at least 1), v3 to centiseconds.
  return version === 2 ? Math.max(1, Math.round(seconds)) * 1000 : Math.max(1, Math.round(seconds * 100)) * 10;
}

function mapInstance(i: StandaloneInstance, scriptWeights: Map<string, number>, fileWeights: Map<string, number>): EngineInstanceSpec {
  const family = i.vips[0]!.includes(':') ? 'ipv6' : 'ipv4';
  const version = i.version ?? (family === 'ipv6' ? 3 : 2);
  const notify = {
    ...(i.notify ? { notify: i.notify } : {}), ...(i.notifyMaster ? { master: i.notifyMaster } : {}),
    ...(i.notifyBackup ? { backup: i.notifyBackup } : {}), ...(i.notifyFault ? { fault: i.notifyFault } : {}),
    ...(i.notifyStop ? { stop: i.notifyStop } : {}),
  };
  return {
    vrrp: makeSpec({
      name: i.name, vrid: i.vrid, priority: i.priority, version, family,
      // Empty: the engine fills in the interface's primary / link-local address.
      primaryAddress: i.unicastSrc ?? '',
      vips: i.vips.map((v) => v.split('/')[0]!),
      advertIntMs: advertIntMs(version, i.advertInt),
      startState: i.state,
      preempt: !i.nopreempt,
      preemptDelayMs: Math.round((i.preemptDelay ?? 0) * 1000),
      unicastPeers: i.unicastPeers ?? [],
      ...(i.garpMasterDelay !== undefined ? { garpMasterDelayMs: i.garpMasterDelay * 1000, garpLowerPrioDelayMs: i.garpMasterDelay * 1000 } : {}),
      ...(i.garpMasterRepeat !== undefined ? { garpMasterRepeat: i.garpMasterRepeat } : {}),
      ...(i.garpMasterRefresh !== undefined ? { garpMasterRefreshMs: i.garpMasterRefresh * 1000 } : {}),
      ...(i.garpMasterRefreshRepeat !== undefined ? { garpMasterRefreshRepeat: i.garpMasterRefreshRepeat } : {}),
    }),
    interface: i.interface,
    vips: i.vips.map((v) => ({ cidr: v, dev: i.interface })),
    excludedVips: [],
    routes: (i.routes ?? []).map(ipObject),
    rules: (i.rules ?? []).map(ipObject),
    trackInterfaces: (i.trackInterfaces ?? []).map((ifname) => ({ ifname, weight: 0 })),
    trackScripts: (i.trackScripts ?? []).map((name) => ({ name, weight: scriptWeights.get(name) ?? 0 })),
    trackFiles: (i.trackFiles ?? []).map((name) => ({ name, weight: fileWeights.get(name) ?? 0 })),
    notify,
  };
}

export function engineConfigFromStandalone(c: StandaloneConfig): EngineConfig {
  const weights = new Map((c.scripts ?? []).map((s) => [s.name, s.weight ?? 0]));
  const fileWeights = new Map((c.files ?? []).map((f) => [f.name, f.weight ?? 0]));
  return {
    files: (c.files ?? []).map((f) => ({ name: f.name, path: f.path })),
    instances: c.instances.map((i) => mapInstance(i, weights, fileWeights)),
    syncGroups: (c.syncGroups ?? []).map((g) => ({ name: g.name, members: g.members, notify: g.notify ? { notify: g.notify } : {} })),
    scripts: (c.scripts ?? []).map((s) => ({ name: s.name, rise: s.rise ?? 1, fall: s.fall ?? 1, weight: s.weight ?? 0 })),
  };
}

export function scriptRunsFromStandalone(c: StandaloneConfig): TrackScriptRun[] {
  return (c.scripts ?? []).map((s) => ({
    name: s.name, script: s.script, intervalMs: Math.round(s.interval * 1000), timeoutMs: Math.round((s.timeout ?? s.interval) * 1000),
  }));
}
