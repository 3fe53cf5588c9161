// The checker child process (keepalived's Keepalived_healthcheckers): runs every health check,
// turns their results into the IPVS table that should exist and has the reconciler make it so.
// Its configuration model comes from the parent (at start and on reload); unchanged real servers
// keep their state across reloads.
import { loadConfig } from '../config/load.js';
import type { KeepalivedConfig } from '../config/model.js';
import { CheckerService } from '../check/service.js';
import { checkerSpecsFromConfig } from '../check/from-config.js';
import { checkerScriptUsers } from '../check/script-users.js';
import type { HealthEvent, PoolView } from '../check/events.js';
import { IpvsController } from '../ipvs/controller.js';
import type { PoolInput } from '../ipvs/spec.js';
import { checkerSnapshotPart } from '../ops/checker-snapshot.js';
import { runScript } from '../ops/run-script.js';
import { readChildOptions } from './child-options.js';
import { bootstrapChild } from './child-bootstrap.js';
import { createDaemonLogger } from './logger.js';
import { ipvsGlobalsFromModel, ipvsSpecsFromModel } from './ipvs-from-config.js';
import { localAddresses } from './local-addresses.js';

const opts = readChildOptions();
process.title = 'ka-ts: checkers';
const log = createDaemonLogger(opts, 'checkers');
const ADDRESS_POLL_MS = 2_000;
const NOTIFY_TIMEOUT_MS = 30_000;

async function load(): Promise<KeepalivedConfig | undefined> {
  const r = await loadConfig(opts.configFile, opts.configId !== undefined ? { configId: opts.configId } : {});
  return r.model;
}

/** MISC_CHECK users (and the default script user) are looked up before mapping, as keepalived does. */
async function checkerSpecs(model: KeepalivedConfig) {
  const users = await checkerScriptUsers(model);
  if (users.defaultUserError) log.warn(`MISC_CHECK scripts: ${users.defaultUserError}`);
  const { specs, diagnostics } = checkerSpecsFromConfig(model, users);
  for (const d of diagnostics) log.warn({ loc: d.loc }, `${d.loc.file}:${d.loc.line}:${d.loc.col}: ${d.message}`);
  return specs;
}

function logEvent(e: HealthEvent): void {
  switch (e.kind) {
    case 'rs-up': log.info({ event: e }, `real server ${e.rs} of ${e.vs} is up (weight ${e.weight})`); break;
    case 'rs-down': log.warn({ event: e }, `real server ${e.rs} of ${e.vs} is down: ${e.reason}${e.inhibit ? ' (inhibited: weight 0)' : ''}`); break;
    case 'rs-weight': log.info({ event: e }, `real server ${e.rs} of ${e.vs}: weight ${e.previous} -> ${e.weight}`); break;
    case 'rs-removed': log.info({ event: e }, `real server ${e.rs} removed from ${e.vs}`); break;
    case 'quorum-gained': log.info({ event: e }, `${e.vs}: gained quorum (${e.weightSum} >= ${e.threshold})`); break;
    case 'quorum-lost': log.warn({ event: e }, `${e.vs}: lost quorum (${e.weightSum} < ${e.threshold})`); break;
    case 'sorry-server-in': log.warn({ event: e }, `${e.vs}: sorry server ${e.rs} in`); break;
    case 'sorry-server-out': log.info({ event: e }, `${e.vs}: sorry server ${e.rs} out`); break;
    case 'notify': break;
  }
}

const boot = bootstrapChild();
// From the first moment: reloads come from the parent over RPC, and Ctrl-C in a terminal
// (SIGINT to the whole group) stops the daemon through the parent, in order.
process.on('SIGHUP', () => undefined);
process.on('SIGINT', () => undefined);

async function main(): Promise<void> {
  let model: KeepalivedConfig = await boot.initialModel;
  const vrrpStates = new Map<string, string>();
  const ipvs = await IpvsController.create({
    backend: opts.ipvsBackend,
    log: { info: (o, m) => log.info(o, m), warn: (o, m) => log.warn(o, m), error: (o, m) => log.error(o, m) },
    keepOnStop: opts.dontReleaseIpvs,
    onNftInconsistency: (m) => log.warn(`nft: ${m}`),
    // lvs_flush: keepalived flushes the whole table at start; otherwise the table is adopted.
    flushOnStart: model.globalDefs.lvsFlush,
  });

  const service = new CheckerService(await checkerSpecs(model), { rsInitNotifies: false });
  const inputs = (m: KeepalivedConfig, pools: PoolView[]) => ({
    virtualServers: ipvsSpecsFromModel(m),
    globals: ipvsGlobalsFromModel(m, vrrpStates),
    pools: new Map<string, PoolInput>(pools.map((p) => [p.vs, { quorumUp: p.quorumUp, destinations: p.destinations }])),
  });
  let pending: NodeJS.Immediate | undefined;
  // Many checks can finish in one tick (start-up, a switch dying): coalesce them into one pass.
  const schedule = (): void => {
    if (pending) return;
    pending = setImmediate(() => {
      pending = undefined;
      void ipvs.update(inputs(model as KeepalivedConfig, service.pool()));
    });
  };
  service.on('event', (e: HealthEvent) => {
    logEvent(e);
    if (e.kind === 'notify') {
      const args = e.script;
      void runScript(args.command, { timeoutMs: NOTIFY_TIMEOUT_MS, ...(args.user ? { user: args.user } : {}) }).then((r) => {
        if (r.error || r.timedOut || r.code !== 0) log.warn({ script: args.command, result: r }, `notify script ${args.command} ${r.timedOut ? 'timed out' : r.error ?? `exited ${r.code}`}`);
      });
    }
  });
  service.on('pool', () => schedule());
  service.on('internal-error', (err: unknown, checker: string) => log.error({ err, checker }, `checker ${checker}: handling its result failed: ${String((err as Error)?.message ?? err)}`));

  // On failure localAddresses() gives undefined: the previous view is kept, so one failed `ip`
  // call never suspends every ha_suspend virtual server.
  const refreshAddresses = async (): Promise<void> => {
    const addrs = await localAddresses();
    if (addrs) service.setLocalAddresses(addrs);
    else log.warn('ha_suspend: cannot read this host\'s addresses (ip -j addr); keeping the previous view');
  };
  await refreshAddresses();
  const addrTimer = setInterval(() => void refreshAddresses(), ADDRESS_POLL_MS);

  const rpc = boot.rpc;
  // One reload at a time: a second SIGHUP waits for the first to be applied.
  let chain: Promise<unknown> = Promise.resolve();
  const serialised = <T>(op: () => Promise<T>): Promise<T> => {
    const run = chain.then(op, op);
    chain = run.catch(() => undefined);
    return run;
  };
  boot.serve({
    snapshot: () => checkerSnapshotPart(model as KeepalivedConfig, service.status()),
    counters: () => ({ checks: service.counters(), ipvs: ipvs.stats, backend: ipvs.backendName }),
    reload: (p) => serialised(async () => {
      const next = (p as { model?: KeepalivedConfig }).model ?? (await load());
      if (!next) throw new Error(`cannot load ${opts.configFile}: keeping the running configuration`);
      const specs = await checkerSpecs(next);
      model = next;
      service.update(specs);
      await ipvs.update(inputs(next, service.pool()));
      return { virtualServers: next.virtualServers.length };
    }),
    stop: () => serialised(async () => {
      clearInterval(addrTimer);
      service.stop();
      await ipvs.stop();
      return { stopped: true };
    }),
  });
  rpc.on('event', (name: string, data: unknown) => {
    if (name !== 'vrrp-state') return;
    const { instance, state } = data as { instance: string; state: string };
    vrrpStates.set(instance, state);
    void refreshAddresses();
    schedule();
  });

  const shutdown = (): void => {
    clearInterval(addrTimer);
    service.stop();
    void ipvs.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('disconnect', () => {
    log.error('supervisor went away; stopping');
    shutdown();
  });

  // Checks first: the pools must exist before the first IPVS pass, or every real server (alpha
  // ones included) would count as alive for a moment.
  service.start();
  await ipvs.start(inputs(model, service.pool()));
  rpc.event('ready', { virtualServers: model.virtualServers.length });
  log.info(`checkers running for ${model.virtualServers.length} virtual server(s)`);
}

main().catch((err: Error) => {
  log.fatal(`checker process failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
