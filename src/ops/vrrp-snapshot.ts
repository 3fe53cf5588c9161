import type { GlobalDefs, KeepalivedConfig, VirtualAddress, VrrpInstance } from '../config/model.js';
import type { VrrpCounters } from '../vrrp/fsm/counters.js';
import { DROP_REASONS, DROP_REASON_STAT } from '../vrrp/packet/drop-reason.js';
import type { EngineStatus, InstanceStatus } from '../vrrp/engine/engine.js';
import type {
  DaemonSnapshot, TrackedObjectStatus, VipSnapshot, VrrpInstanceCounters, VrrpInstanceSnapshot, VrrpScriptSnapshot,
} from './snapshot.js';
import type { TransitionTracker } from './transition-tracker.js';

/**
 * The VRRP part of the daemon snapshot, built from what the VRRP child knows: the configuration
 * model (VIPs, scripts, notify commands, GARP settings) and the engine's live status (states,
 * priorities, master, counters). This is what the child answers to the parent's `snapshot`
 * request; the parent merges it with the checkers' part.
 */
export type VrrpSnapshotPart = Pick<DaemonSnapshot, 'instances' | 'syncGroups' | 'scripts'>;

/** The engine's counters under keepalived's stats fields; reasons keepalived has no counter for go to `drops`. */
export function countersFromVrrp(c: VrrpCounters): VrrpInstanceCounters {
  const d = c.drops;
  const drops: Record<string, number> = {};
  for (const r of DROP_REASONS) if (DROP_REASON_STAT[r].startsWith('ka-ts:')) drops[r] = d[r];
  return {
    advertRcvd: c.advertsReceived,
    advertSent: c.advertsSent,
    becomeMaster: c.becomeMaster,
    releaseMaster: c.releaseMaster,
    // Mapping as DROP_REASON_STAT (vrrp-core) assigns each reason to keepalived's statistic.
    packetLenErr: d['too-short'] + d['packet-length'],
    advertIntervalErr: d['advert-interval-mismatch'],
    ipTtlErr: d.ttl,
    invalidTypeRcvd: d.type,
    addrListErr: d['address-count'] + d['cast-mismatch'] + d['address-list'],
    invalidAuthtype: d['auth-type-invalid'],
    authtypeMismatch: d['auth-type-mismatch'],
    authFailure: d['auth-failure'],
    priZeroRcvd: c.priorityZeroReceived,
    priZeroSent: c.priorityZeroSent,
    drops,
  };
}

function vip(v: VirtualAddress, iface: string): VipSnapshot {
  return {
    address: v.address, prefixLen: v.prefixLen, dev: v.dev ?? iface,
    ...(v.scope ? { scope: v.scope } : {}), ...(v.label ? { label: v.label } : {}), ...(v.brd ? { brd: v.brd } : {}),
  };
}

const seconds = (ms: number | undefined): number => Math.round((ms ?? 0) / 1000);

/** What the engine knows of each tracked script and process: OK / quorum (absent = not yet known). */
interface TrackerStates {
  scripts: ReadonlyMap<string, boolean>;
  processes: ReadonlyMap<string, boolean>;
}

function tracked(cfg: VrrpInstance, st: InstanceStatus, ok: TrackerStates, cfgScripts: ReadonlyMap<string, number>): TrackedObjectStatus[] {
  const out: TrackedObjectStatus[] = [];
  for (const t of cfg.trackInterfaces) {
    const weight = t.weight ?? 0;
    // The engine reports link state only through FAULT reasons (weight-0 links); otherwise unknown.
    const down = st.faultReasons.includes(`tracked interface ${t.name} down`);
    out.push({ kind: 'interface', name: t.name, weight, ...(weight === 0 ? { up: !down } : {}) });
  }
  for (const t of cfg.trackScripts) {
    const up = ok.scripts.get(t.name);
    out.push({ kind: 'script', name: t.name, weight: t.weight ?? cfgScripts.get(t.name) ?? 0, ...(up !== undefined ? { up } : {}) });
  }
  for (const t of cfg.trackFiles) out.push({ kind: 'file', name: t.name, weight: t.weight ?? 0 });
  for (const t of cfg.trackProcesses) {
    const up = ok.processes.get(t.name);
    out.push({ kind: 'process', name: t.name, weight: t.weight ?? 0, ...(up !== undefined ? { up } : {}) });
  }
  return out;
}

function instance(cfg: VrrpInstance, st: InstanceStatus, g: GlobalDefs, syncGroup: string | undefined,
  ok: TrackerStates, cfgScripts: ReadonlyMap<string, number>, transitions?: TransitionTracker): VrrpInstanceSnapshot {
  const iface = cfg.interface ?? st.interface;
  const last = transitions?.get(cfg.name) ?? (st.lastTransitionAt !== undefined ? { atMs: st.lastTransitionAt, to: st.state } : undefined);
  const n = cfg.notify;
  return {
    name: cfg.name,
    interface: iface,
    vrid: st.vrid,
    version: st.version,
    family: cfg.family,
    state: st.state,
    wantedState: cfg.state,
    basePriority: st.basePriority,
    effectivePriority: st.effectivePriority,
    advertIntMs: cfg.advertIntMs,
    ...(st.masterAddress ? { masterAddress: st.masterAddress } : {}),
    ...(st.masterPriority !== undefined ? { masterPriority: st.masterPriority } : {}),
    ...(cfg.unicastSrcIp ?? cfg.mcastSrcIp ? { primaryAddress: (cfg.unicastSrcIp ?? cfg.mcastSrcIp)! } : {}),
    ...(last ? { lastTransition: last } : {}),
    ...(transitions?.transitions(cfg.name) ? { transitions: transitions.transitions(cfg.name)! } : {}),
    vips: cfg.virtualIpaddresses.map((v) => vip(v, iface)),
    excludedVips: cfg.virtualIpaddressesExcluded.map((v) => vip(v, iface)),
    vipsSet: st.vipsSet,
    unicastPeers: cfg.unicastPeers.map((p) => p.address),
    nopreempt: cfg.nopreempt,
    preemptDelayMs: cfg.preemptDelayMs,
    dontTrackPrimary: cfg.dontTrackPrimary,
    skipCheckAdvAddr: cfg.skipCheckAdvAddr ?? g.vrrpSkipCheckAdvAddr,
    strictMode: cfg.strictMode ?? g.vrrpStrict,
    ...(cfg.authentication ? { authType: cfg.authentication.type } : {}),
    // keepalived: accept is on unless vrrp_strict (then only with an explicit `accept`).
    accept: cfg.accept ?? !(cfg.strictMode ?? g.vrrpStrict),
    downTimerAdverts: cfg.downTimerAdverts,
    garp: {
      delayS: seconds(cfg.garpMasterDelayMs ?? g.vrrpGarpMasterDelayMs),
      repeat: cfg.garpMasterRepeat ?? g.vrrpGarpMasterRepeat,
      refreshS: seconds(cfg.garpMasterRefreshMs ?? g.vrrpGarpMasterRefreshMs),
      refreshRepeat: cfg.garpMasterRefreshRepeat ?? g.vrrpGarpMasterRefreshRepeat,
      // keepalived: the lower-priority settings default to the master ones.
      lowerPrioDelayS: seconds(cfg.garpLowerPrioDelayMs ?? g.vrrpGarpLowerPrioDelayMs ?? cfg.garpMasterDelayMs ?? g.vrrpGarpMasterDelayMs),
      lowerPrioRepeat: cfg.garpLowerPrioRepeat ?? g.vrrpGarpLowerPrioRepeat ?? cfg.garpMasterRepeat ?? g.vrrpGarpMasterRepeat,
    },
    masterDownIntervalMs: st.masterDownMs,
    notify: {
      ...(n.notify ? { notify: n.notify } : {}), ...(n.master ? { master: n.master } : {}), ...(n.backup ? { backup: n.backup } : {}),
      ...(n.fault ? { fault: n.fault } : {}), ...(n.stop ? { stop: n.stop } : {}),
    },
    tracked: tracked(cfg, st, ok, cfgScripts),
    ...(syncGroup ? { syncGroup } : {}),
    counters: countersFromVrrp(st.counters),
  };
}

export function vrrpSnapshotPart(cfg: KeepalivedConfig, status: EngineStatus, transitions?: TransitionTracker): VrrpSnapshotPart {
  const byName = new Map(status.instances.map((s) => [s.name, s]));
  const groupOf = new Map<string, string>();
  for (const g of cfg.vrrpSyncGroups) for (const m of g.group) groupOf.set(m, g.name);
  const ok: TrackerStates = {
    scripts: new Map(status.scripts.filter((s) => s.status !== 'init').map((s) => [s.name, s.status === 'ok'])),
    processes: new Map(status.processes.map((p) => [p.name, p.quorum])),
  };
  const cfgScripts = new Map(cfg.vrrpScripts.map((s) => [s.name, s.weight]));
  const instances: VrrpInstanceSnapshot[] = [];
  for (const c of cfg.vrrpInstances) {
    const st = byName.get(c.name);
    // An instance the engine is not running (invalid, removed) has no live state to report.
    if (st) instances.push(instance(c, st, cfg.globalDefs, groupOf.get(c.name), ok, cfgScripts, transitions));
  }
  const trackedBy = (name: string): { instance: string; weight: number }[] =>
    cfg.vrrpInstances.flatMap((i) => i.trackScripts.filter((t) => t.name === name).map((t) => ({ instance: i.name, weight: t.weight ?? cfgScripts.get(name) ?? 0 })));
  const engineScripts = new Map(status.scripts.map((s) => [s.name, s]));
  const scripts: VrrpScriptSnapshot[] = cfg.vrrpScripts.map((s) => {
    const live = engineScripts.get(s.name);
    return {
      name: s.name,
      command: s.script ?? '',
      intervalMs: s.intervalMs,
      timeoutMs: s.timeoutMs ?? s.intervalMs,
      weight: s.weight,
      rise: s.rise,
      fall: s.fall,
      ...(s.user ? { user: s.user.user } : {}),
      result: !live || live.status === 'init' ? 'INIT' : live.status === 'ok' ? 'GOOD' : 'BAD',
      trackedBy: trackedBy(s.name),
    };
  });
  const syncGroups = status.syncGroups.map((g) => {
    const c = cfg.vrrpSyncGroups.find((x) => x.name === g.name);
    const n = c?.notify;
    return {
      name: g.name, state: g.state, members: g.members,
      ...(n && (n.notify || n.master || n.backup || n.fault || n.stop) ? {
        notify: {
          ...(n.notify ? { notify: n.notify } : {}), ...(n.master ? { master: n.master } : {}), ...(n.backup ? { backup: n.backup } : {}),
          ...(n.fault ? { fault: n.fault } : {}), ...(n.stop ? { stop: n.stop } : {}),
        },
      } : {}),
    };
  });
  return { instances, syncGroups, scripts };
}
