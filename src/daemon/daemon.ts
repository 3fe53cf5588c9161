// The parent process: `ka-ts [-f FILE] [-P|-C] ...` as keepalived's parent. It validates the
// configuration, writes the pid file, starts and supervises the VRRP and checker children,
// serves the control socket and metrics, turns signals into reloads, dumps and a clean stop.
import type { DaemonOptions } from '../cli/flags.js';
import { ineffectiveOptions, parseListen } from '../cli/flags.js';
import { createDaemonLogger, type Logger } from './logger.js';
import { daemonPaths, currentNetnsName } from './paths.js';
import { removePidFile, writePidFile } from './pidfile.js';
import { forkToBackground, NETNS_ENV, reexecInNamespace } from './daemonize.js';
import { Supervisor } from './supervisor.js';
import { ControlServer } from './control-server.js';
import type { ChildOptions } from './child-options.js';
import { childModulePath } from './child-modules.js';
import { DaemonCore } from './core.js';
import { installSignalHandlers } from './signals.js';
import { loadConfig } from '../config/load.js';
import { notifySystemd } from './systemd-notify.js';
import { logModelNotes } from './model-notes.js';
import { formatDiagnostic } from '../../parsers/diagnostics.js';
import { renderConf } from '../../parsers/render-conf.js';

export async function runDaemon(opts: DaemonOptions): Promise<number> {
  const insideNs = process.env[NETNS_ENV];
  if (opts.namespace !== undefined && insideNs !== opts.namespace) return await reexecInNamespace(opts.namespace);
  if (!opts.dontFork) {
    const pid = forkToBackground();
    process.stdout.write(`ka-ts: running in the background (pid ${pid ?? '?'}); use -n to stay in the foreground\n`);
    return 0;
  }

  const netns = opts.namespace ?? insideNs ?? currentNetnsName();
  const paths = daemonPaths({ ...opts, namespace: netns }, netns);
  const log: Logger = createDaemonLogger(opts, 'parent');
  const ignored = ineffectiveOptions(opts);
  if (ignored.length > 0) log.warn(`accepted for keepalived compatibility but without effect in ka-ts: ${ignored.join(', ')}`);
  if (opts.umask !== undefined) process.umask(Number.parseInt(opts.umask, 8));

  const first = await loadConfig(opts.useFile, { configId: opts.configId });
  for (const d of first.diagnostics) log[d.severity === 'error' ? 'error' : 'warn']({ diagnostic: d }, formatDiagnostic(d));
  if (!first.model) {
    log.error({ file: opts.useFile }, `configuration ${opts.useFile} cannot be used; not starting`);
    return 1;
  }

  logModelNotes(first.model, opts.ipvsBackend, log);
  // -d: keepalived dumps its parsed configuration to the log at start; ka-ts prints the resolved
  // model as keepalived.conf (every default filled in), one log record.
  if (opts.dumpConf) log.info({ dump: true }, `resolved configuration:\n${renderConf(first.model)}`);

  try {
    writePidFile(paths.pidFile);
  } catch (err) {
    log.error((err as Error).message);
    return 1;
  }

  const childOptions: ChildOptions = {
    configFile: opts.useFile,
    configId: opts.configId,
    logConsole: opts.logConsole,
    logJson: opts.logJson,
    logDetail: opts.logDetail,
    logFacility: opts.logFacility,
    logFile: opts.logFile,
    noSyslog: opts.noSyslog,
    dontReleaseVrrp: opts.dontReleaseVrrp,
    dontReleaseIpvs: opts.dontReleaseIpvs,
    releaseVips: opts.releaseVips,
    ipvsBackend: (opts.ipvsBackend ?? 'auto') as ChildOptions['ipvsBackend'],
    instanceTag: netns ?? 'default',
  };
  const supervisor = new Supervisor(!opts.dontRespawn);
  const core = new DaemonCore({ opts, log, supervisor, childOptions, paths, model: first.model });
  const wantVrrp = !opts.checkOnly && (opts.all || core.hasVrrp(first.model));
  const wantCheckers = !opts.vrrpOnly && (opts.all || core.hasCheckers(first.model));

  supervisor.on('child-started', (name, pid, restart) => {
    log.info({ child: name, pid, restart }, `${name} child started (pid ${pid})${restart ? ' after a crash' : ''}`);
    core.initChild(name);
  });
  supervisor.on('child-exited', (name, pid, code, signal, willRestart) => {
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    const unexpected = !core.stopping && (code !== 0 || signal !== null);
    const level = unexpected ? 'error' : 'info';
    log[level]({ child: name, pid, code, signal }, `${name} child (pid ${pid}) ended with ${how}${willRestart ? '; restarting it' : ''}`);
  });
  supervisor.on('child-event', (name, event, data) => core.onChildEvent(name, event, data));

  const control = new ControlServer(paths.controlSocket, (req) => core.control(req));
  try {
    await control.listen();
  } catch (err) {
    log.error({ path: paths.controlSocket }, `cannot open the control socket: ${(err as Error).message}`);
    removePidFile(paths.pidFile);
    return 1;
  }
  core.controlCounters = control.counters;

  if (opts.metricsListen !== undefined) {
    const { host, port } = parseListen(opts.metricsListen);
    try {
      await core.startMetrics(host, port);
      log.info({ host, port }, `metrics on http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`);
    } catch (err) {
      log.error(`cannot serve metrics on ${opts.metricsListen}: ${(err as Error).message}`);
    }
  }

  const done = new Promise<void>((resolve) => {
    installSignalHandlers({
      reload: () => void core.reload('SIGHUP').catch((err: Error) => log.error(`reload: ${err.message}`)),
      dumpData: () => void core.dump('data').catch((err: Error) => log.error(`dump: ${err.message}`)),
      dumpStats: () => void core.dump('stats').catch((err: Error) => log.error(`dump: ${err.message}`)),
      dumpJson: () => void core.dump('json').catch((err: Error) => log.error(`dump: ${err.message}`)),
      clearStats: () => void core.clearStats().catch((err: Error) => log.error(`clear stats: ${err.message}`)),
      stop: (sig) => {
        if (core.stopping) return;
        log.info(`${sig} received: stopping`);
        notifySystemd('STOPPING=1', log);
        void core.stop()
          .catch((err: Error) => log.error(`stopping: ${err.message}`))
          .then(async () => {
            await control.close().catch(() => undefined);
            removePidFile(paths.pidFile);
            resolve();
          });
      },
    }, log);
  });
  // Signal handlers are in place before any child exists: a HUP or TERM from systemd right
  // after start is handled, never the default action (which would kill the parent).
  if (wantVrrp) supervisor.start({ name: 'vrrp', modulePath: childModulePath('vrrp'), options: childOptions, pidFile: paths.vrrpPidFile });
  if (wantCheckers) supervisor.start({ name: 'checkers', modulePath: childModulePath('checkers'), options: childOptions, pidFile: paths.checkersPidFile });
  if (!wantVrrp && !wantCheckers) log.warn('the configuration has neither vrrp_instance nor virtual_server: nothing to run (use --all to start the children anyway)');
  if (!wantVrrp) notifySystemd('READY=1', log);
  log.info({ file: opts.useFile, pid: process.pid, netns: netns ?? null, vrrp: wantVrrp, checkers: wantCheckers }, `ka-ts started (config ${opts.useFile})`);
  await done;
  log.info('ka-ts stopped');
  return 0;
}
