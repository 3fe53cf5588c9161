// The VRRP child process (keepalived's Keepalived_vrrp): runs the VRRP engine for the
// configuration's instances and nothing else, so that checkers, IPVS work and their logging can
// never delay an advert. It re-reads the configuration itself on reload, as keepalived's does.
import { loadConfig } from '../config/load.js';
import type { KeepalivedConfig } from '../config/model.js';
import { VrrpEngine, type EngineLog } from '../vrrp/engine/engine.js';
import type { EngineConfig } from '../vrrp/engine/engine-spec.js';
import { TrackScriptRunner } from '../vrrp/engine/track-script-runner.js';
import { setupNotify } from '../ops/notify-setup.js';
import { TransitionTracker } from '../ops/transition-tracker.js';
import { vrrpSnapshotPart } from '../ops/vrrp-snapshot.js';
import { logNotifyOutcome, logTransition } from '../ops/logging/events.js';
import { readChildOptions } from './child-options.js';
import { ParentRpc } from './child-rpc.js';
import { createDaemonLogger } from './logger.js';
import { engineConfigFromModel, trackScriptRunsFromModel } from './vrrp-from-config.js';
import { selectEngineIo } from '../vrrp/engine/io-selection.js';

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

async function main(): Promise<void> {
  const loaded = await loadConfig(opts.configFile, opts.configId !== undefined ? { configId: opts.configId } : {});
  if (!loaded.model) {
    log.error(`cannot load ${opts.configFile}; the VRRP process stops`);
    process.exit(1);
  }
  let model: KeepalivedConfig = loaded.model;
  // Every transition is one log line with its reason (keepalived: "(VI_1) Entering MASTER STATE").
  const tracker = new TransitionTracker((name, rec, kind) => logTransition(log, { instance: name, kind, ...(rec.from ? { from: rec.from } : {}), to: rec.to, ...(rec.reason ? { reason: rec.reason } : {}) }));
  const notify = await setupNotify(model.globalDefs, (o) => logNotifyOutcome(log, o));
  for (const p of notify.problems) log.warn(p);

  const recorded = tracker.wrap(notify.runner);
  let rpc: ParentRpc | undefined;
  // Native I/O (raw sockets, AF_PACKET GARP, batched ip) when the addon is built; otherwise the
  // engine's basic I/O, which the log names.
  const ports = selectEngineIo((m) => log.warn(m));
  if (ports.kind !== 'native') log.warn('native addon not built: VRRP runs on the basic I/O (GARP through a helper process, no IPv6 hop-limit check); run `npm run build:native`');
  ports.prepare([...new Set(model.vrrpInstances.map((i) => (i.family === 'inet6' ? 'ipv6' as const : 'ipv4' as const)))]);
  // Interface facts (MAC, ifindex) read now, not on the failover path before the first GARP.
  const announcer = ports.announce as { prepare?: (ifnames: string[]) => Promise<void> };
  if (typeof announcer.prepare === 'function') {
    await announcer.prepare([...new Set(model.vrrpInstances.flatMap((i) => (i.interface ? [i.interface] : [])))]).catch((err: Error) => log.warn(`announce: ${err.message}`));
  }
  const engine = new VrrpEngine(engineConfigFromModel(model, (w) => log.warn(w)), {
    transport: ports.transport,
    addresses: ports.addresses,
    announce: ports.announce,
    link: ports.link,
    notify: {
      // Transitions also go to the parent, which relays them to the checkers (ha_suspend,
      // lvs_sync_daemon role).
      notify: (ev) => {
        if (ev.kind === 'INSTANCE' && ev.state !== 'STOP') rpc?.event('vrrp-state', { instance: ev.name, state: ev.state });
        recorded.notify(ev);
      },
    },
    log: engineLog,
  });
  const startScripts = (m: KeepalivedConfig): TrackScriptRunner => {
    const r = new TrackScriptRunner(trackScriptRunsFromModel(m), (n, ok) => engine.setScriptResult(n, ok), (n, msg) => log.warn(`vrrp_script ${n}: ${msg}`));
    r.start();
    return r;
  };

  let scripts: TrackScriptRunner | undefined;
  rpc = new ParentRpc({
    'resend-state': () => {
      for (const i of engine.status().instances) rpc?.event('vrrp-state', { instance: i.name, state: i.state });
      return {};
    },
    snapshot: () => vrrpSnapshotPart(model, engine.status(), tracker),
    counters: () => engine.counters(),
    reload: async (p) => {
      const given = (p as { model?: KeepalivedConfig }).model;
      const next = given ?? (await loadConfig(opts.configFile, opts.configId !== undefined ? { configId: opts.configId } : {})).model;
      if (!next) throw new Error(`cannot load ${opts.configFile}: keeping the running configuration`);
      model = next;
      scripts?.stop();
      await engine.reload(withDemotions(engineConfigFromModel(model)));
      tracker.retain(model.vrrpInstances.map((i) => i.name));
      scripts = startScripts(model);
      return { instances: model.vrrpInstances.length };
    },
    demote: async (p) => {
      const { instance, priority } = p as { instance: string; priority?: number };
      if (!model.vrrpInstances.some((i) => i.name === instance)) throw new Error(`no vrrp_instance '${instance}'`);
      demoted.set(instance, priority ?? 1);
      await engine.reload(withDemotions(engineConfigFromModel(model)));
      log.warn({ instance, priority: priority ?? 1 }, `instance ${instance} demoted to priority ${priority ?? 1} (ka-ts ctl demote)`);
      return { instance, priority: priority ?? 1 };
    },
    restore: async (p) => {
      const { instance } = p as { instance: string };
      if (!demoted.delete(instance)) throw new Error(`instance '${instance}' is not demoted`);
      await engine.reload(withDemotions(engineConfigFromModel(model)));
      log.warn({ instance }, `instance ${instance} restored to its configured priority`);
      return { instance };
    },
    stop: async () => {
      scripts?.stop();
      await engine.stop({ keepVips: opts.dontReleaseVrrp });
      ports.close();
      await notify.close();
      return { stopped: true };
    },
  });

  process.on('SIGTERM', () => {
    // Parent gone or systemd killing the group: still leave the network clean.
    scripts?.stop();
    void engine.stop({ keepVips: opts.dontReleaseVrrp }).finally(() => process.exit(0));
  });
  process.on('SIGHUP', () => undefined); // reloads come from the parent over RPC
  process.on('SIGINT', () => undefined);
  process.on('disconnect', () => {
    log.error('supervisor went away; stopping');
    scripts?.stop();
    void engine.stop({ keepVips: opts.dontReleaseVrrp }).finally(() => process.exit(0));
  });

  await engine.start();
  scripts = startScripts(model);
  rpc.event('ready', { instances: model.vrrpInstances.length });
  log.info(`VRRP running ${model.vrrpInstances.length} instance(s)`);
}

main().catch((err: Error) => {
  log.fatal(`VRRP process failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
