// The VRRP child process (keepalived's Keepalived_vrrp): runs the VRRP engine for the
// configuration's instances and nothing else, so that checkers, IPVS work and their logging can
// never delay an advert. Its configuration model comes from the parent (at start and on reload).
import { loadConfig } from '../config/load.js';
import type { KeepalivedConfig } from '../config/model.js';
import { VrrpEngine, type EngineLog } from '../vrrp/engine/engine.js';
import type { EngineConfig } from '../vrrp/engine/engine-spec.js';
import { TrackScriptRunner } from '../vrrp/engine/track-script-runner.js';
import { setupNotify } from '../ops/notify-setup.js';
import { resolveScriptUser } from '../ops/script-user.js';
import { TransitionTracker } from '../ops/transition-tracker.js';
import { vrrpSnapshotPart } from '../ops/vrrp-snapshot.js';
import { logNotifyOutcome, logTransition } from '../ops/logging/events.js';
import { readChildOptions } from './child-options.js';
import { bootstrapChild } from './child-bootstrap.js';
import { createDaemonLogger } from './logger.js';
import { engineConfigFromModel, trackScriptRunsFromModel } from './vrrp-from-config.js';
import { selectEngineIo } from '../vrrp/engine/io-selection.js';
import { NftTrafficBlocker } from '../vrrp/engine/nft-traffic-block.js';
import { onVmacs, vmacPlans, type VmacPlan } from '../vrrp/vmac/vmac-plan.js';
import { VmacLinks } from '../vrrp/vmac/vmac-links.js';
import type { LinkPort } from '../vrrp/engine/ports.js';

const opts = readChildOptions();
process.title = 'ka-ts: vrrp';
const log = createDaemonLogger(opts, 'vrrp');
const engineLog: EngineLog = (level, msg, data) => log[level](data ?? {}, msg);

/** Priorities lowered by `ka-ts ctl demote` (failover drills); they survive reloads until restored. */
const demoted = new Map<string, number>();

function withDemotions(c: EngineConfig): EngineConfig {
  if (demoted.size === 0) return c;
  return {
    ...c,
    instances: c.instances.map((i) => (demoted.has(i.vrrp.name) ? { ...i, vrrp: { ...i.vrrp, priority: demoted.get(i.vrrp.name) as number } } : i)),
  };
}

/**
 * use_vmac: the macvlans in place for `model`, and the engine config moved onto them. The IPv4
 * source address is the base interface's, read now (the macvlan has none of its own).
 */
async function withVmacs(model: KeepalivedConfig, vmacs: VmacLinks, link: LinkPort): Promise<{ config: EngineConfig; plans: VmacPlan[] }> {
  const config = engineConfigFromModel(model, (w) => log.warn(w));
  const plans = await vmacs.ensureAll(vmacPlans(model));
  const sources = new Map<string, string>();
  for (const p of plans) {
    const f = p.family === 'ipv4' ? await link.facts(p.base) : undefined;
    if (f?.ipv4) sources.set(p.instance, f.ipv4);
  }
  return { config: onVmacs(config, plans, sources), plans };
}

const boot = bootstrapChild();
// From the first moment: reloads come from the parent over RPC, and Ctrl-C in a terminal
// (SIGINT to the whole group) stops the daemon through the parent, in order.
process.on('SIGHUP', () => undefined);
process.on('SIGINT', () => undefined);

/** Engine operations (reload, demote, restore, stop) run one at a time, in arrival order. */
let chain: Promise<unknown> = Promise.resolve();
function serialised<T>(op: () => Promise<T>): Promise<T> {
  const run = chain.then(op, op);
  chain = run.catch(() => undefined);
  return run;
}

async function main(): Promise<void> {
  let model: KeepalivedConfig = await boot.initialModel;
  // Every transition is one log line with its reason (keepalived: "(VI_1) Entering MASTER STATE").
  const tracker = new TransitionTracker((name, rec, kind) => logTransition(log, { instance: name, kind, ...(rec.from ? { from: rec.from } : {}), to: rec.to, ...(rec.reason ? { reason: rec.reason } : {}) }));
  const notify = await setupNotify(model.globalDefs, (o) => logNotifyOutcome(log, o));
  for (const p of notify.problems) log.warn(p);

  const recorded = tracker.wrap(notify.runner);
  const rpc = boot.rpc;
  // Native I/O (raw sockets, AF_PACKET GARP, batched ip) when the addon is built; otherwise the
  // engine's basic I/O, which the log names.
  const ports = selectEngineIo((m) => log.warn(m));
  if (ports.kind !== 'native') log.warn('native addon not built: VRRP runs on the basic I/O (GARP through a helper process, no IPv6 hop-limit check); run `npm run build:native`');
  ports.prepare([...new Set(model.vrrpInstances.map((i) => (i.family === 'inet6' ? 'ipv6' as const : 'ipv4' as const)))]);
  const vmacs = new VmacLinks((level, msg) => log[level](msg));
  let vmac = await withVmacs(model, vmacs, ports.link);
  // Interface facts (MAC, ifindex) read now, not on the failover path before the first GARP.
  const announcer = ports.announce as { prepare?: (ifnames: string[]) => Promise<void>; forget?: () => void };
  const prepareAnnounce = async (c: EngineConfig): Promise<void> => {
    announcer.forget?.();
    const devs = new Set(c.instances.flatMap((i) => [i.interface, ...i.vips.map((v) => v.dev)]));
    await announcer.prepare?.([...devs]).catch((err: Error) => log.warn(`announce: ${err.message}`));
  };
  await prepareAnnounce(vmac.config);
  const engine = new VrrpEngine(vmac.config, {
    transport: ports.transport,
    addresses: ports.addresses,
    announce: ports.announce,
    link: ports.link,
    // vrrp_strict without accept: drop traffic to the VIPs while MASTER, as keepalived does
    // (the nft table is created only when an instance needs it).
    blocker: new NftTrafficBlocker((m) => log.error(m)),
    notify: {
      // Transitions also go to the parent, which relays them to the checkers (ha_suspend,
      // lvs_sync_daemon role).
      notify: (ev) => {
        if (ev.kind === 'INSTANCE' && ev.state !== 'STOP') rpc.event('vrrp-state', { instance: ev.name, state: ev.state });
        recorded.notify(ev);
      },
    },
    log: engineLog,
  });
  /**
   * vrrp_script runs as its own `user`, else script_user, resolved as keepalived does; a script
   * whose user cannot be resolved is not run (keepalived removes it) and the log says why. A
   * runner replacing another takes over its in-flight runs, so no script runs twice at once.
   */
  const startScripts = async (m: KeepalivedConfig, previous?: TrackScriptRunner): Promise<TrackScriptRunner> => {
    const g = m.globalDefs;
    const runs = [];
    for (const run of trackScriptRunsFromModel(m)) {
      const who = m.vrrpScripts.find((s) => s.name === run.name)?.user ?? g.scriptUser;
      try {
        const user = await resolveScriptUser({ ...(who ? { user: who.user, ...(who.group ? { group: who.group } : {}) } : {}), scriptSecurity: g.enableScriptSecurity });
        runs.push({ ...run, user });
      } catch (err) {
        log.error(`vrrp_script ${run.name}: ${(err as Error).message}; not run`);
      }
    }
    const r = new TrackScriptRunner(runs, (n, ok) => engine.setScriptResult(n, ok), (n, msg) => log.warn(`vrrp_script ${n}: ${msg}`), previous ? { previous } : {});
    r.start();
    return r;
  };

  let scripts: TrackScriptRunner | undefined;
  let stopped = false;
  /** keepalived -V keeps the VIPs, so their macvlans stay too; otherwise both go. */
  const releaseVmacs = async (): Promise<void> => {
    if (opts.dontReleaseVrrp) { if (vmacs.names().length > 0) log.info(`keeping ${vmacs.names().join(', ')} with the VIPs (--dont-release-vrrp)`); return; }
    await vmacs.removeAll().catch((err: Error) => log.warn(`use_vmac: ${err.message}`));
  };
  const reloadEngine = async (next: KeepalivedConfig): Promise<void> => {
    // The new engine config first: if it cannot be applied, the old model and scripts stay.
    // New macvlans exist before the engine moves onto them; unused ones (the old config's, or the
    // new one's after a failure) go once the engine runs without them.
    const old = scripts;
    old?.stop();
    try {
      const next2 = await withVmacs(next, vmacs, ports.link);
      const config = withDemotions(next2.config);
      await prepareAnnounce(config);
      await engine.reload(config);
      model = next;
      vmac = next2;
      tracker.retain(model.vrrpInstances.map((i) => i.name));
    } finally {
      await vmacs.prune(vmac.plans);
      if (!stopped) scripts = await startScripts(model, old);
    }
  };
  boot.serve({
    'resend-state': () => {
      for (const i of engine.status().instances) rpc.event('vrrp-state', { instance: i.name, state: i.state });
      return {};
    },
    snapshot: () => vrrpSnapshotPart(model, engine.status(), tracker),
    counters: () => engine.counters(),
    'clear-stats': () => {
      engine.clearCounters();
      return { cleared: true };
    },
    reload: (p) => serialised(async () => {
      const given = (p as { model?: KeepalivedConfig }).model;
      const next = given ?? (await loadConfig(opts.configFile, opts.configId !== undefined ? { configId: opts.configId } : {})).model;
      if (!next) throw new Error(`cannot load ${opts.configFile}: keeping the running configuration`);
      await reloadEngine(next);
      return { instances: model.vrrpInstances.length };
    }),
    demote: (p) => serialised(async () => {
      const { instance, priority } = p as { instance: string; priority?: number };
      if (!model.vrrpInstances.some((i) => i.name === instance)) throw new Error(`no vrrp_instance '${instance}'`);
      const previous = demoted.get(instance);
      demoted.set(instance, priority ?? 1);
      try {
        await reloadEngine(model);
      } catch (err) {
        if (previous === undefined) demoted.delete(instance);
        else demoted.set(instance, previous);
        throw err;
      }
      log.warn({ instance, priority: priority ?? 1 }, `instance ${instance} demoted to priority ${priority ?? 1} (ka-ts ctl demote)`);
      return { instance, priority: priority ?? 1 };
    }),
    restore: (p) => serialised(async () => {
      const { instance } = p as { instance: string };
      const previous = demoted.get(instance);
      if (previous === undefined) throw new Error(`instance '${instance}' is not demoted`);
      demoted.delete(instance);
      try {
        await reloadEngine(model);
      } catch (err) {
        demoted.set(instance, previous);
        throw err;
      }
      log.warn({ instance }, `instance ${instance} restored to its configured priority`);
      return { instance };
    }),
    stop: () => serialised(async () => {
      stopped = true;
      scripts?.stop();
      await engine.stop({ keepVips: opts.dontReleaseVrrp });
      await releaseVmacs();
      ports.close();
      await notify.close();
      return { stopped: true };
    }),
  });

  const leave = (why: string): void => {
    // Parent gone or systemd killing the group: still leave the network clean.
    log.warn(`${why}; stopping`);
    stopped = true;
    scripts?.stop();
    void serialised(async () => { await engine.stop({ keepVips: opts.dontReleaseVrrp }); await releaseVmacs(); }).finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => leave('SIGTERM'));
  process.on('disconnect', () => leave('supervisor went away'));

  await engine.start();
  scripts = await startScripts(model);
  rpc.event('ready', { instances: model.vrrpInstances.length });
  log.info(`VRRP running ${model.vrrpInstances.length} instance(s)`);
}

main().catch((err: Error) => {
  log.fatal(`VRRP process failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
