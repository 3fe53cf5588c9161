// The JSON the standalone VRRP entry reads (until the daemon maps keepalived.conf onto the engine).
// It deliberately mirrors the keepalived keywords a VRRP test needs, one field per keyword, so an
// integration test can describe the same pair for ka-ts and for keepalived. Validation is strict
// and located: a wrong field names its JSON path.

export interface StandaloneScript {
  name: string;
  /** Command line, as keepalived's `script`. */
  script: string;
  /** Seconds. */
  interval: number;
  /** Seconds (keepalived's default: the interval). */
  timeout?: number;
  weight?: number;
  fall?: number;
  rise?: number;
}

export interface StandaloneTrackFile {
  name: string;
  path: string;
  weight?: number;
}

export interface StandaloneInstance {
  name: string;
  interface: string;
  vrid: number;
  priority: number;
  state: 'MASTER' | 'BACKUP';
  /** Seconds. */
  advertInt: number;
  version?: 2 | 3;
  /** `addr/prefix`; the first VIP's family is the instance's family. */
  vips: string[];
  unicastSrc?: string;
  unicastPeers?: string[];
  nopreempt?: boolean;
  /** Seconds. */
  preemptDelay?: number;
  trackScripts?: string[];
  trackInterfaces?: string[];
  /** Names of `files` entries. */
  trackFiles?: string[];
  /** virtual_routes / virtual_rules lines, as `ip route` / `ip rule` words. */
  routes?: string[];
  rules?: string[];
  garpMasterDelay?: number;
  garpMasterRepeat?: number;
  garpMasterRefresh?: number;
  garpMasterRefreshRepeat?: number;
  notify?: string;
  notifyMaster?: string;
  notifyBackup?: string;
  notifyFault?: string;
  notifyStop?: string;
}

export interface StandaloneSyncGroup {
  name: string;
  members: string[];
  notify?: string;
}

export interface StandaloneConfig {
  routerId?: string;
  instances: StandaloneInstance[];
  scripts?: StandaloneScript[];
  syncGroups?: StandaloneSyncGroup[];
  files?: StandaloneTrackFile[];
}

export class StandaloneConfigError extends Error {
  override readonly name = 'StandaloneConfigError';
  constructor(readonly path: string, message: string) {
    super(`${path}: ${message}`);
  }
}

type Obj = Record<string, unknown>;

function obj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new StandaloneConfigError(path, 'expected an object');
  return v as Obj;
}
function str(o: Obj, k: string, path: string, optional = false): string | undefined {
  const v = o[k];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || v === '') throw new StandaloneConfigError(`${path}.${k}`, 'expected a non-empty string');
  return v;
}
function num(o: Obj, k: string, path: string, min: number, max: number, optional = false): number | undefined {
  const v = o[k];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new StandaloneConfigError(`${path}.${k}`, `expected a number in ${min}..${max}`);
  return v;
}
function strList(o: Obj, k: string, path: string, optional = true): string[] | undefined {
  const v = o[k];
  if (v === undefined && optional) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new StandaloneConfigError(`${path}.${k}`, 'expected a list of strings');
  return v as string[];
}
function bool(o: Obj, k: string, path: string): boolean | undefined {
  const v = o[k];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new StandaloneConfigError(`${path}.${k}`, 'expected true or false');
  return v;
}

const compact = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export function parseStandaloneConfig(json: unknown): StandaloneConfig {
  const root = obj(json, '$');
  if (!Array.isArray(root['instances']) || root['instances'].length === 0) throw new StandaloneConfigError('$.instances', 'expected a non-empty list');
  const instances = root['instances'].map((raw, i): StandaloneInstance => {
    const p = `$.instances[${i}]`;
    const o = obj(raw, p);
    const state = str(o, 'state', p);
    if (state !== 'MASTER' && state !== 'BACKUP') throw new StandaloneConfigError(`${p}.state`, 'expected MASTER or BACKUP');
    const version = num(o, 'version', p, 2, 3, true);
    if (version !== undefined && version !== 2 && version !== 3) throw new StandaloneConfigError(`${p}.version`, 'expected 2 or 3');
    const vips = strList(o, 'vips', p, false)!;
    if (vips.length === 0) throw new StandaloneConfigError(`${p}.vips`, 'at least one VIP is needed');
    return compact({
      name: str(o, 'name', p)!, interface: str(o, 'interface', p)!,
      vrid: num(o, 'vrid', p, 1, 255)!, priority: num(o, 'priority', p, 1, 255)!, state,
      advertInt: num(o, 'advertInt', p, 0.01, 255)!, version: version as 2 | 3 | undefined, vips,
      unicastSrc: str(o, 'unicastSrc', p, true), unicastPeers: strList(o, 'unicastPeers', p),
      nopreempt: bool(o, 'nopreempt', p), preemptDelay: num(o, 'preemptDelay', p, 0, 1000, true),
      trackScripts: strList(o, 'trackScripts', p), trackInterfaces: strList(o, 'trackInterfaces', p), trackFiles: strList(o, 'trackFiles', p),
      routes: strList(o, 'routes', p), rules: strList(o, 'rules', p),
      garpMasterDelay: num(o, 'garpMasterDelay', p, 0, 255, true), garpMasterRepeat: num(o, 'garpMasterRepeat', p, 1, 255, true),
      garpMasterRefresh: num(o, 'garpMasterRefresh', p, 0, 100000, true), garpMasterRefreshRepeat: num(o, 'garpMasterRefreshRepeat', p, 1, 255, true),
      notify: str(o, 'notify', p, true), notifyMaster: str(o, 'notifyMaster', p, true), notifyBackup: str(o, 'notifyBackup', p, true),
      notifyFault: str(o, 'notifyFault', p, true), notifyStop: str(o, 'notifyStop', p, true),
    });
  });
  const names = new Set(instances.map((i) => i.name));
  const scripts = root['scripts'] === undefined ? undefined : (Array.isArray(root['scripts']) ? root['scripts'] : [null]).map((raw, i): StandaloneScript => {
    const p = `$.scripts[${i}]`;
    const o = obj(raw, p);
    return compact({
      name: str(o, 'name', p)!, script: str(o, 'script', p)!, interval: num(o, 'interval', p, 0.01, 100000)!,
      timeout: num(o, 'timeout', p, 0.01, 100000, true), weight: num(o, 'weight', p, -253, 253, true),
      fall: num(o, 'fall', p, 1, 100000, true), rise: num(o, 'rise', p, 1, 100000, true),
    });
  });
  const scriptNames = new Set((scripts ?? []).map((s) => s.name));
  instances.forEach((inst, i) => inst.trackScripts?.forEach((s, j) => {
    if (!scriptNames.has(s)) throw new StandaloneConfigError(`$.instances[${i}].trackScripts[${j}]`, `no script named "${s}"`);
  }));
  const files = root['files'] === undefined ? undefined : (Array.isArray(root['files']) ? root['files'] : [null]).map((raw, i): StandaloneTrackFile => {
    const p = `$.files[${i}]`;
    const o = obj(raw, p);
    return compact({ name: str(o, 'name', p)!, path: str(o, 'path', p)!, weight: num(o, 'weight', p, -254, 254, true) });
  });
  const fileNames = new Set((files ?? []).map((f) => f.name));
  instances.forEach((inst, i) => inst.trackFiles?.forEach((f, j) => {
    if (!fileNames.has(f)) throw new StandaloneConfigError(`$.instances[${i}].trackFiles[${j}]`, `no file named "${f}"`);
  }));
  const syncGroups = root['syncGroups'] === undefined ? undefined : (Array.isArray(root['syncGroups']) ? root['syncGroups'] : [null]).map((raw, i): StandaloneSyncGroup => {
    const p = `$.syncGroups[${i}]`;
    const o = obj(raw, p);
    const members = strList(o, 'members', p, false)!;
    members.forEach((m, j) => { if (!names.has(m)) throw new StandaloneConfigError(`${p}.members[${j}]`, `no instance named "${m}"`); });
    return compact({ name: str(o, 'name', p)!, members, notify: str(o, 'notify', p, true) });
  });
  return compact({ routerId: str(root, 'routerId', '$', true), instances, scripts, syncGroups, files });
}
