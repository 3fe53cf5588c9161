// The daemon's command line: keepalived(8)'s options (same short and long spellings, same
// optional-argument rules as its getopt_long table) plus ka-ts's own long options.
// A hand-rolled getopt because util.parseArgs cannot express optional arguments
// (`--config-test[=FILE]`, `--log-file[=FILE]`) or keepalived's `-tFILE` bundling.

export type ArgKind = 'none' | 'required' | 'optional';

interface OptionSpec {
  long: string;
  short?: string;
  arg: ArgKind;
  /** Key in DaemonOptions that the option sets. */
  key: keyof DaemonOptions;
  help: string;
  /** keepalived accepts it but ka-ts has no use for it: parsed, reported in --help as such. */
  accepted?: boolean;
}

export interface DaemonOptions {
  useFile: string;
  vrrpOnly: boolean;
  checkOnly: boolean;
  noBfd: boolean;
  all: boolean;
  logConsole: boolean;
  logDetail: boolean;
  logFacility?: string;
  logFile?: string;
  flushLogFile: boolean;
  noSyslog: boolean;
  umask?: string;
  releaseVips: boolean;
  dontReleaseVrrp: boolean;
  dontReleaseIpvs: boolean;
  dontRespawn: boolean;
  dontFork: boolean;
  dumpConf: boolean;
  pidFile?: string;
  vrrpPidFile?: string;
  checkersPidFile?: string;
  bfdPidFile?: string;
  addressMonitoring: boolean;
  snmp: boolean;
  snmpAgentSocket?: string;
  namespace?: string;
  coreDump: boolean;
  coreDumpPattern?: string;
  allConfig: boolean;
  configId?: string;
  signum?: string;
  /** `true` for `-t`/`--check-config`; a string for `--config-test=FILE` (diagnostics go there). */
  configTest?: boolean | string;
  version: boolean;
  help: boolean;
  // ka-ts's own options
  controlSocket?: string;
  metricsListen?: string;
  logJson: boolean;
  ipvsBackend?: string;
  json: boolean;
}

export const OPTION_SPECS: readonly OptionSpec[] = [
  { long: 'use-file', short: 'f', arg: 'required', key: 'useFile', help: "Use the specified configuration file (default '/etc/keepalived/keepalived.conf')" },
  { long: 'vrrp', short: 'P', arg: 'none', key: 'vrrpOnly', help: 'Only run the VRRP subsystem' },
  { long: 'check', short: 'C', arg: 'none', key: 'checkOnly', help: 'Only run the health-checker subsystem' },
  { long: 'no_bfd', short: 'B', arg: 'none', key: 'noBfd', help: "Don't run BFD (ka-ts has no BFD subsystem; accepted for compatibility)", accepted: true },
  { long: 'all', arg: 'none', key: 'all', help: 'Run every child process even without configuration for it' },
  { long: 'log-console', short: 'l', arg: 'none', key: 'logConsole', help: 'Log to the console (human-readable lines)' },
  { long: 'log-detail', short: 'D', arg: 'none', key: 'logDetail', help: 'Detailed log messages' },
  { long: 'log-facility', short: 'S', arg: 'required', key: 'logFacility', help: 'Syslog facility: 0-7 (local0-7), localN, user or daemon (default)' },
  { long: 'log-file', short: 'g', arg: 'optional', key: 'logFile', help: 'Log to FILE (default /tmp/keepalived.log)' },
  { long: 'flush-log-file', arg: 'none', key: 'flushLogFile', help: 'Flush the log file after each write' },
  { long: 'no-syslog', short: 'G', arg: 'none', key: 'noSyslog', help: "Don't log via syslog" },
  { long: 'umask', short: 'u', arg: 'required', key: 'umask', help: 'umask for file creation (numeric)' },
  { long: 'release-vips', short: 'X', arg: 'none', key: 'releaseVips', help: 'Drop VIPs on transition from signal (accepted for compatibility; no effect in ka-ts)', accepted: true },
  { long: 'dont-release-vrrp', short: 'V', arg: 'none', key: 'dontReleaseVrrp', help: "Don't remove VRRP VIPs and routes on daemon stop" },
  { long: 'dont-release-ipvs', short: 'I', arg: 'none', key: 'dontReleaseIpvs', help: "Don't remove the IPVS topology on daemon stop" },
  { long: 'dont-respawn', short: 'R', arg: 'none', key: 'dontRespawn', help: "Don't respawn child processes" },
  { long: 'dont-fork', short: 'n', arg: 'none', key: 'dontFork', help: "Don't fork the daemon process (stay in the foreground)" },
  { long: 'dump-conf', short: 'd', arg: 'none', key: 'dumpConf', help: 'Dump the configuration data' },
  { long: 'pid', short: 'p', arg: 'required', key: 'pidFile', help: 'Pid file for the parent process' },
  { long: 'vrrp_pid', short: 'r', arg: 'required', key: 'vrrpPidFile', help: 'Pid file for the VRRP child process' },
  { long: 'checkers_pid', short: 'c', arg: 'required', key: 'checkersPidFile', help: 'Pid file for the checkers child process' },
  { long: 'address-monitoring', short: 'a', arg: 'none', key: 'addressMonitoring', help: 'Report all address additions/deletions (accepted for compatibility; no effect in ka-ts)', accepted: true },
  { long: 'bfd_pid', short: 'b', arg: 'required', key: 'bfdPidFile', help: 'Pid file for the BFD child (accepted for compatibility; no BFD)', accepted: true },
  { long: 'snmp', short: 'x', arg: 'none', key: 'snmp', help: 'Enable SNMP (accepted for compatibility; ka-ts serves Prometheus metrics instead)', accepted: true },
  { long: 'snmp-agent-socket', short: 'A', arg: 'required', key: 'snmpAgentSocket', help: 'SNMP master agent socket (accepted for compatibility)', accepted: true },
  { long: 'namespace', short: 's', arg: 'required', key: 'namespace', help: 'Run in network namespace NAME' },
  { long: 'core-dump', short: 'm', arg: 'none', key: 'coreDump', help: 'Produce a core dump on abnormal termination (accepted for compatibility)', accepted: true },
  { long: 'core-dump-pattern', short: 'M', arg: 'optional', key: 'coreDumpPattern', help: 'core_pattern (accepted for compatibility)', accepted: true },
  { long: 'all-config', short: 'e', arg: 'none', key: 'allConfig', help: 'Error if any configuration file is missing' },
  { long: 'config-id', short: 'i', arg: 'required', key: 'configId', help: "Select '@id' conditional configuration lines (default: the host name)" },
  { long: 'signum', arg: 'required', key: 'signum', help: 'Print the signal number for STOP, RELOAD, DATA, STATS, STATS_CLEAR, JSON' },
  { long: 'config-test', short: 't', arg: 'optional', key: 'configTest', help: 'Check the configuration (diagnostics to stderr, or to FILE) and exit' },
  { long: 'check-config', arg: 'none', key: 'configTest', help: 'Alias of --config-test' },
  { long: 'version', short: 'v', arg: 'none', key: 'version', help: 'Display the version' },
  { long: 'help', short: 'h', arg: 'none', key: 'help', help: 'Display this help' },
  { long: 'control-socket', arg: 'required', key: 'controlSocket', help: 'Control socket path (default /run/ka-ts/ka-ts[-NAMESPACE].sock)' },
  { long: 'metrics-listen', arg: 'required', key: 'metricsListen', help: 'Serve Prometheus metrics on [ADDR:]PORT (loopback when only a port)' },
  { long: 'log-json', arg: 'none', key: 'logJson', help: 'Structured JSON log lines even on the console' },
  { long: 'ipvs-backend', arg: 'required', key: 'ipvsBackend', help: 'IPVS backend: auto (default), ipvsadm, nft or dry-run' },
  { long: 'json', arg: 'none', key: 'json', help: 'Machine-readable output (with --check-config)' },
];

/** Options given on the command line that ka-ts accepts for compatibility but does not act on. */
export function ineffectiveOptions(opts: DaemonOptions): string[] {
  const defaults = defaultOptions() as unknown as Record<string, unknown>;
  const given = opts as unknown as Record<string, unknown>;
  return OPTION_SPECS.filter((s) => s.accepted && given[s.key] !== defaults[s.key]).map((s) => `--${s.long}`);
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function defaultOptions(): DaemonOptions {
  return {
    useFile: '/etc/keepalived/keepalived.conf',
    vrrpOnly: false, checkOnly: false, noBfd: false, all: false, logConsole: false, logDetail: false,
    flushLogFile: false, noSyslog: false, releaseVips: false, dontReleaseVrrp: false, dontReleaseIpvs: false,
    dontRespawn: false, dontFork: false, dumpConf: false, addressMonitoring: false, snmp: false,
    coreDump: false, allConfig: false, version: false, help: false, logJson: false, json: false,
  };
}

function set(opts: DaemonOptions, spec: OptionSpec, value: string | undefined): void {
  const record = opts as unknown as Record<string, unknown>;
  if (spec.arg === 'none') record[spec.key] = true;
  else if (spec.arg === 'optional') record[spec.key] = value ?? (spec.key === 'logFile' ? '/tmp/keepalived.log' : true);
  else record[spec.key] = value;
}

/** Parses keepalived-style options. Throws UsageError (exit 2) on unknown or malformed ones. */
export function parseDaemonArgs(argv: readonly string[]): DaemonOptions {
  const opts = defaultOptions();
  const byLong = new Map(OPTION_SPECS.map((s) => [s.long, s]));
  const byShort = new Map(OPTION_SPECS.filter((s) => s.short).map((s) => [s.short as string, s]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      if (i + 1 < argv.length) throw new UsageError(`unexpected argument '${argv[i + 1]}'`);
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const spec = byLong.get(name);
      if (!spec) throw new UsageError(`unknown option '--${name}'`);
      let value = eq < 0 ? undefined : arg.slice(eq + 1);
      if (spec.arg === 'none' && value !== undefined) throw new UsageError(`option '--${name}' takes no value`);
      if (spec.arg === 'required' && value === undefined) {
        value = argv[++i];
        if (value === undefined) throw new UsageError(`option '--${name}' needs a value`);
      }
      set(opts, spec, value);
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // Bundled short options, getopt style: "-Pnl", "-fFILE", "-f FILE", "-tLOG".
      for (let j = 1; j < arg.length; j++) {
        const ch = arg[j] as string;
        const spec = byShort.get(ch);
        if (!spec) throw new UsageError(`unknown option '-${ch}'`);
        if (spec.arg === 'none') { set(opts, spec, undefined); continue; }
        const rest = arg.slice(j + 1);
        if (spec.arg === 'optional') { set(opts, spec, rest === '' ? undefined : rest); break; }
        const value = rest !== '' ? rest : argv[++i];
        if (value === undefined) throw new UsageError(`option '-${ch}' needs a value`);
        set(opts, spec, value);
        break;
      }
      continue;
    }
    throw new UsageError(`unexpected argument '${arg}' (subcommands: config, ctl, lab, drill, doctor)`);
  }
  validate(opts);
  return opts;
}

const FACILITIES = new Set(['0', '1', '2', '3', '4', '5', '6', '7', 'user', 'daemon', ...[0, 1, 2, 3, 4, 5, 6, 7].map((n) => `local${n}`)]);

function validate(opts: DaemonOptions): void {
  if (opts.vrrpOnly && opts.checkOnly) throw new UsageError("options '-P/--vrrp' and '-C/--check' exclude each other");
  if (opts.logFacility !== undefined && !FACILITIES.has(opts.logFacility)) {
    throw new UsageError(`invalid log facility '${opts.logFacility}' (0-7, local0-local7, user or daemon)`);
  }
  if (opts.umask !== undefined && !/^0?[0-7]{1,3}$/.test(opts.umask)) throw new UsageError(`invalid umask '${opts.umask}' (octal, e.g. 022)`);
  if (opts.ipvsBackend !== undefined && !['auto', 'ipvsadm', 'nft', 'dry-run'].includes(opts.ipvsBackend)) {
    throw new UsageError(`invalid --ipvs-backend '${opts.ipvsBackend}' (auto, ipvsadm, nft or dry-run)`);
  }
  if (opts.metricsListen !== undefined) parseListen(opts.metricsListen);
  if (opts.useFile === '') throw new UsageError('option -f/--use-file needs a file name');
}

/** `PORT`, `ADDR:PORT` or `[V6ADDR]:PORT`; a bare port listens on loopback only. */
export function parseListen(spec: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]:|([^:[\]]+):)?(\d{1,5})$/.exec(spec);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) throw new UsageError(`invalid --metrics-listen '${spec}' (PORT, ADDR:PORT or [V6ADDR]:PORT)`);
  return { host: m[1] ?? m[2] ?? '127.0.0.1', port };
}

export function usage(): string {
  const lines = ['Usage: ka-ts [OPTION...]            run the daemon (keepalived-compatible options)',
    '       ka-ts -t [-f FILE]            check a configuration (alias --check-config)',
    '       ka-ts config dump|convert ...  print or convert the resolved configuration',
    '       ka-ts ctl status|stats|reload|demote|restore  talk to a running daemon',
    '       ka-ts lab up|down|status       the whole director in network namespaces',
    '       ka-ts drill [--lab|--target]   a measured failover drill',
    '       ka-ts doctor [-f FILE]         check a live director against its config', ''];
  for (const s of OPTION_SPECS) {
    const flag = `${s.short ? `-${s.short}, ` : '    '}--${s.long}${s.arg === 'required' ? '=ARG' : s.arg === 'optional' ? '[=ARG]' : ''}`;
    lines.push(`  ${flag.padEnd(32)} ${s.help}`);
  }
  return lines.join('\n') + '\n';
}
