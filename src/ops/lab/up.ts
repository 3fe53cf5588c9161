// `ka-ts lab up`: builds the config's topology in namespaces and starts the directors and the
// real servers. Idempotent: a complete, running lab is left alone; a partial one is removed first.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderDirectorConf } from './director-conf.js';
import { LabDirectorError, waitDirectorReady } from './director-control.js';
import { labDown } from './down.js';
import type { LabConfig } from './lab-config.js';
import { programLabNft } from './nft-dataplane.js';
import { makeLabPlan } from './plan.js';
import { directorCommand, isAlive, REAL_SERVER_SCRIPT, startDetached } from './processes.js';
import { labDir, readLabState, writeLabState, type DirectorKind, type LabDirectorState, type LabState } from './state.js';
import { listNamespaces, nsSh, sh, sleep } from './sh.js';
import { labVips, soleMaster, vipHoldings } from './vip-holders.js';

export interface LabUpOptions {
  name: string;
  /** [d1, d2] */
  directors: [DirectorKind, DirectorKind];
  advertInt?: number;
  progress?: (line: string) => void;
}

export class LabUpError extends Error {
  constructor(message: string) { super(message); this.name = 'LabUpError'; }
}

export async function labIsRunning(state: LabState): Promise<boolean> {
  const have = new Set(await listNamespaces());
  const ns = [state.namespaces.sw, state.namespaces.client, state.namespaces.d1, state.namespaces.d2, ...state.namespaces.rs];
  if (!ns.every((n) => have.has(n))) return false;
  for (const p of state.processes) if (!(await isAlive(p.pid, p.marker))) return false;
  return true;
}

export async function labUp(cfg: LabConfig, opts: LabUpOptions): Promise<{ state: LabState; reused: boolean }> {
  const say = opts.progress ?? (() => undefined);
  const existing = await readLabState(opts.name);
  // Reused only when it is the same lab: same config, same director kinds, same advert_int override.
  const same = existing !== undefined && existing.conf === cfg.file
    && existing.directors.map((d) => d.kind).join() === opts.directors.join()
    && (opts.advertInt === undefined || existing.advertInt === opts.advertInt);
  if (existing && same && (await labIsRunning(existing))) return { state: existing, reused: true };
  await labDown(opts.name);

  const plan = makeLabPlan(cfg, opts.name);
  const dir = labDir(opts.name);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const P = plan.prefix;
  const state: LabState = {
    name: opts.name, conf: cfg.file, dir, createdAt: new Date().toISOString(), plan,
    advertInt: opts.advertInt ?? Math.max(...cfg.instances.map((i) => i.advertInt)),
    healthFiles: { d1: join(dir, 'd1.healthy'), d2: join(dir, 'd2.healthy') },
    namespaces: { sw: `${P}sw`, client: `${P}client`, d1: `${P}d1`, d2: `${P}d2`, rs: plan.realServers.map((_, i) => `${P}rs${i + 1}`) },
    directors: [], processes: [], notes: [],
  };
  const ip = (ns: string, args: string[]): Promise<unknown> => sh('ip', ['-n', ns, ...args]);
  const addNs = async (ns: string): Promise<void> => {
    await sh('ip', ['netns', 'add', ns]);
    await ip(ns, ['link', 'set', 'lo', 'up']);
  };
  const veth = async (ns: string, ifname: string, peer: string, bridge: string): Promise<void> => {
    await ip(ns, ['link', 'add', ifname, 'type', 'veth', 'peer', 'name', peer, 'netns', state.namespaces.sw]);
    await ip(state.namespaces.sw, ['link', 'set', peer, 'master', bridge]);
    await ip(state.namespaces.sw, ['link', 'set', peer, 'up']);
    await ip(ns, ['link', 'set', ifname, 'up']);
  };
  try {
    await writeLabState(state);
    say(`namespaces ${P}{sw,client,d1,d2${state.namespaces.rs.length ? `,rs1..${state.namespaces.rs.length}` : ''}}`);
    for (const ns of [state.namespaces.sw, state.namespaces.client, state.namespaces.d1, state.namespaces.d2, ...state.namespaces.rs]) await addNs(ns);
    for (const [i, net] of plan.networks.entries()) {
      const br = `br${i}`;
      await ip(state.namespaces.sw, ['link', 'add', br, 'type', 'bridge']);
      await ip(state.namespaces.sw, ['link', 'set', br, 'up']);
      for (const [k, d] of (['d1', 'd2'] as const).entries()) {
        await veth(state.namespaces[d], net.ifname, `${d}-${i}`, br);
        await ip(state.namespaces[d], ['addr', 'add', `${net.directorAddrs[k]}/${net.prefix}`, 'dev', net.ifname]);
      }
      if (net.ifname === plan.frontIf) {
        await veth(state.namespaces.client, 'eth0', `c-${i}`, br);
        await ip(state.namespaces.client, ['addr', 'add', `${plan.clientAddr}/${net.prefix}`, 'dev', 'eth0']);
      }
    }
    for (const [i, rs] of plan.realServers.entries()) {
      const ns = state.namespaces.rs[i]!;
      const netIdx = plan.networks.findIndex((n) => n.ifname === rs.network);
      const net = plan.networks[netIdx]!;
      await veth(ns, 'eth0', `r${i + 1}`, `br${netIdx}`);
      await ip(ns, ['addr', 'add', `${rs.address}/${net.prefix}`, 'dev', 'eth0']);
      if (rs.gateway) await ip(ns, ['route', 'add', 'default', 'via', rs.gateway]);
    }
    for (const d of ['d1', 'd2'] as const) await nsSh(state.namespaces[d], 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);

    say(`real servers ${plan.realServers.map((r) => `${r.address}:${r.ports.join(',')}`).join(' ')}`);
    for (const [i, rs] of plan.realServers.entries()) {
      const ns = state.namespaces.rs[i]!;
      const pid = startDetached(ns, process.execPath, [REAL_SERVER_SCRIPT, rs.address, ...rs.ports.map(String)], join(dir, `rs${i + 1}.log`));
      state.processes.push({ role: `rs${i + 1}`, ns, pid, marker: REAL_SERVER_SCRIPT });
    }
    await writeLabState(state);

    for (const [k, id] of (['d1', 'd2'] as const).entries()) {
      const kind = opts.directors[k]!;
      const healthFile = state.healthFiles[id]!;
      await writeFile(healthFile, 'healthy\n');
      const conf = renderDirectorConf(cfg, plan, { healthFile, ...(opts.advertInt !== undefined ? { advertInt: opts.advertInt } : {}) });
      const confFile = join(dir, `${id}.conf`);
      await writeFile(confFile, conf.text, { mode: 0o600 });
      if (k === 0) for (const a of conf.added) state.notes.push(`lab adds: ${a}`);
      const d: LabDirectorState = {
        id, ns: state.namespaces[id], kind, conf: confFile,
        pidFile: join(dir, `${id}.pid`), vrrpPidFile: join(dir, `${id}.vrrp.pid`),
        controlSocket: join(dir, `${id}.sock`), pid: 0, log: join(dir, `${id}.log`),
        dataplane: kind === 'ka-ts' ? 'ka-ts' : plan.nat ? 'lab-nft' : 'none',
      };
      const c = directorCommand(kind, confFile, d.pidFile, d.vrrpPidFile, join(dir, `${id}.check.pid`), d.controlSocket!);
      if (d.dataplane === 'lab-nft') {
        for (const n of await programLabNft(d.ns, cfg.virtualServers)) state.notes.push(`${id}: ${n}`);
      }
      d.pid = startDetached(d.ns, c.cmd, c.args, d.log);
      state.directors.push(d);
      state.processes.push({ role: `director ${id} (${kind})`, ns: d.ns, pid: d.pid, marker: confFile });
      say(`director ${id}: ${kind}${d.dataplane === 'lab-nft' ? ' (VRRP only; the lab programs the nft NAT table — keepalived cannot program IPVS without the kernel module)' : ''}`);
      await writeLabState(state);
    }
    const notNat = cfg.virtualServers.filter((v) => v.lbKind !== 'NAT' || v.protocol !== 'tcp');
    if (notNat.length) state.notes.push(`VRRP only for ${notNat.map((v) => `${v.address} ${v.port} (${v.lbKind} ${v.protocol})`).join(', ')}: the lab forwards TCP NAT services only (real servers answer HTTP/TCP; DR/TUN need kernel IPVS)`);
    const vips = labVips(cfg, state);
    const limitMs = (4 * state.advertInt + 10) * 1000;
    const t0 = performance.now();
    say(`waiting for one director to hold ${vips.join(', ')}`);
    for (;;) {
      const m = soleMaster(await vipHoldings(state, vips), vips);
      if (m) {
        // The backup must run its instances too, or the first drill measures its start-up.
        for (const d of state.directors) await waitDirectorReady(d, 0, 20_000);
        say(`MASTER: ${m.director}`);
        break;
      }
      for (const d of state.directors) {
        if (!(await isAlive(d.pid, d.conf))) throw new LabUpError(`director ${d.id} (${d.kind}) exited during start-up; see its log below`);
      }
      if (performance.now() - t0 > limitMs) throw new LabUpError(`no single MASTER within ${limitMs / 1000} s; see the logs below`);
      await sleep(100);
    }
    await writeLabState(state);
    return { state, reused: false };
  } catch (e) {
    // `down` removes the logs with the state directory: keep their last lines in the error.
    const tails: string[] = [];
    for (const d of state.directors) {
      const log = await readFile(d.log, 'utf8').catch(() => '');
      if (log) tails.push(`--- ${d.id} (${d.kind}) log, last lines ---\n${log.trimEnd().split('\n').slice(-15).join('\n')}`);
    }
    await labDown(opts.name).catch(() => undefined);
    if ((e instanceof LabUpError || e instanceof LabDirectorError) && tails.length) throw new LabUpError(`${e.message}\n${tails.join('\n')}`);
    throw e;
  }
}
