#!/usr/bin/env node
// Standalone VRRP process for tests and benches until the daemon (`ka-ts -f FILE -P`) runs the
// engine: `node standalone.js CONFIG.json` in the namespace of the director.
//   SIGTERM/SIGINT: graceful stop (priority 0 from masters, VIPs released), exit 0.
//   SIGHUP: re-read CONFIG.json and reload (unchanged instances untouched).
//   SIGUSR1: print engine.status() and engine.counters() as one JSON line on stdout.
// Logs go to stderr, one line each, with a monotonic-free wall-clock stamp for humans.
import { readFileSync } from 'node:fs';
import { VrrpEngine, type EngineLog } from './engine.js';
import { parseStandaloneConfig, StandaloneConfigError, type StandaloneConfig } from './standalone-config.js';
import { engineConfigFromStandalone, scriptRunsFromStandalone } from './standalone-map.js';
import { TrackScriptRunner } from './track-script-runner.js';
import { selectEngineIo, type EngineIo } from './io-selection.js';

const log: EngineLog = (level, msg) => {
  if (level === 'debug' && !process.env['KA_TS_VRRP_DEBUG']) return;
  process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} ${msg}\n`);
};

function load(file: string): StandaloneConfig {
  return parseStandaloneConfig(JSON.parse(readFileSync(file, 'utf8')) as unknown);
}

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: standalone.js CONFIG.json\n');
    return 2;
  }
  let conf: StandaloneConfig;
  try {
    conf = load(file);
  } catch (err) {
    const where = err instanceof StandaloneConfigError ? '' : 'cannot read: ';
    process.stderr.write(`${file}: ${where}${(err as Error).message}\n`);
    return 1;
  }
  let io: EngineIo;
  try {
    io = selectEngineIo((m) => log('warn', m));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
  log('info', `VRRP I/O: ${io.kind}`);
  const engine = new VrrpEngine(engineConfigFromStandalone(conf), { transport: io.transport, addresses: io.addresses, announce: io.announce, link: io.link, log });
  io.prepare(conf.instances.map((i) => (i.vips[0]!.includes(':') ? 'ipv6' : 'ipv4')));
  let runner = new TrackScriptRunner(scriptRunsFromStandalone(conf), (n, ok) => engine.setScriptResult(n, ok), (n, m) => log('warn', `vrrp_script ${n}: ${m}`));
  await engine.start();
  runner.start();
  log('info', `VRRP engine running ${conf.instances.length} instance(s) from ${file}`);

  return await new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (sig: string): void => {
      if (stopping) return;
      stopping = true;
      log('info', `${sig}: stopping`);
      runner.stop();
      void engine.stop().then(() => { io.close(); resolve(0); }, (err: Error) => { log('error', err.message); resolve(1); });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => {
      try {
        const next = load(file);
        runner.stop();
        const previous = runner;
        void engine.reload(engineConfigFromStandalone(next)).then(() => {
          runner = new TrackScriptRunner(scriptRunsFromStandalone(next), (n, ok) => engine.setScriptResult(n, ok), (n, m) => log('warn', `vrrp_script ${n}: ${m}`), { previous });
          runner.start();
          log('info', `reloaded ${file}`);
        }, (err: Error) => log('error', `reload failed: ${err.message}`));
      } catch (err) {
        log('error', `reload of ${file} refused, keeping the running configuration: ${(err as Error).message}`);
      }
    });
    process.on('SIGUSR1', () => {
      process.stdout.write(JSON.stringify({ status: engine.status(), counters: engine.counters() }) + '\n');
    });
  });
}

main().then((code) => process.exit(code), (err: Error) => {
  process.stderr.write(`VRRP engine failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
