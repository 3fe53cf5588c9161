#!/usr/bin/env node
// The ka-ts command. Without a subcommand it is keepalived(8): the same options, the same
// config test (-t), the same daemon. Subcommands add what keepalived lacks.
import { parseDaemonArgs, usage, UsageError, type DaemonOptions } from './flags.js';
import { versionText } from './version.js';
import { signalNumber } from '../daemon/signal-names.js';
import { runConfigTest } from './config-test.js';

// Everything but the config test is loaded on demand: `ka-ts -t` in CI pipelines should not pay
// for the daemon's modules.

const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  config: async (argv) => (await import('./config-command.js')).runConfigCommand(argv),
  ctl: async (argv) => (await import('./ctl.js')).runCtlCommand(argv),
  lab: async (argv) => (await import('../ops/lab/command.js')).runLabCommand(argv),
  drill: async (argv) => (await import('../ops/drill/command.js')).runDrillCommand(argv),
  doctor: async (argv) => (await import('../ops/doctor/command.js')).runDoctorCommand(argv),
};

async function main(argv: string[]): Promise<number> {
  const sub = argv[0] !== undefined ? SUBCOMMANDS[argv[0]] : undefined;
  if (sub) return await sub(argv.slice(1));

  let opts: DaemonOptions;
  try {
    opts = parseDaemonArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`ka-ts: ${err.message}\nTry 'ka-ts --help' for the options.\n`);
      return 2;
    }
    throw err;
  }
  if (opts.help) {
    process.stdout.write(usage());
    return 0;
  }
  if (opts.version) {
    process.stdout.write(versionText());
    return 0;
  }
  if (opts.signum !== undefined) {
    const n = signalNumber(opts.signum);
    if (n === undefined) {
      process.stderr.write(`ka-ts: unknown signal function '${opts.signum}' (STOP, RELOAD, DATA, STATS, STATS_CLEAR, JSON)\n`);
      return 2;
    }
    process.stdout.write(`${n}\n`);
    return 0;
  }
  if (opts.configTest !== undefined) {
    return await runConfigTest({
      file: opts.useFile,
      configId: opts.configId,
      json: opts.json,
      outFile: typeof opts.configTest === 'string' ? opts.configTest : undefined,
      ipvsBackend: opts.ipvsBackend,
    });
  }
  return await (await import('../daemon/daemon.js')).runDaemon(opts);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`ka-ts: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
