import { pino, type DestinationStream, type Level, type Logger, type StreamEntry } from 'pino';
import pretty from 'pino-pretty';
import { formatConsoleLine } from './console-line.js';
import { parseFacility } from './syslog-format.js';
import { SyslogSink } from './syslog-sink.js';

/**
 * The daemon's logger, configured from keepalived's flags:
 *  - `-l/--log-console`: human-readable lines on stderr (pino-pretty in this process,
 *    synchronous: no worker thread may run next to the VRRP timers);
 *  - otherwise, or with `--log-json`: one JSON object per line on stdout;
 *  - syslog (keepalived's default; off with `-G/--no-syslog`) with the `-S/--log-facility` facility;
 *  - `-g/--log-file FILE`: the same human-readable lines appended to FILE (JSON with --log-json);
 *  - `-D/--log-detail`: debug level.
 * Every destination is written synchronously so that a crash loses nothing already logged.
 */
export interface LoggerOptions {
  readonly console?: boolean;
  readonly json?: boolean;
  readonly detail?: boolean;
  /** `-S`: 0-7 (local0-7) or a facility name; default daemon. */
  readonly facility?: string | number;
  readonly file?: string;
  /** Log to syslog (default true, keepalived's default; `-G` turns it off). */
  readonly syslog?: boolean;
  readonly syslogSocket?: string;
  /** RFC 3164 (default, as glibc's syslog(3)) or RFC 5424 framing on the syslog socket. */
  readonly syslogFormat?: 'rfc3164' | 'rfc5424';
  /** Program name in syslog and in every record (keepalived: Keepalived_vrrp, ...). */
  readonly ident?: string;
  /** Overrides the level implied by `detail`. */
  readonly level?: Level;
  /** Where console / JSON output goes (fds by default: 2 for pretty, 1 for JSON). Tests pass streams. */
  readonly consoleStream?: NodeJS.WritableStream;
  readonly jsonStream?: DestinationStream;
  /** Unix datagram send from the native addon, when available (see SyslogSink). */
  readonly syslogSend?: (socketPath: string, datagram: Buffer) => void;
}

export interface KatsLogger {
  readonly logger: Logger;
  readonly syslog?: SyslogSink;
  /** Flushes file/syslog destinations. */
  close(): Promise<void>;
}

/** The text of a record as syslog and console show it: message plus the context that matters. */
function recordText(rec: Record<string, unknown>): string {
  const msg = typeof rec.msg === 'string' ? rec.msg : '';
  const err = rec.err as { message?: string } | undefined;
  return err?.message && !msg.includes(err.message) ? `${msg}: ${err.message}` : msg;
}

/** A pino destination that forwards each JSON record to syslog. */
function syslogStream(sink: SyslogSink): DestinationStream {
  return {
    write(line: string): void {
      try {
        const rec = JSON.parse(line) as Record<string, unknown>;
        sink.log(typeof rec.level === 'number' ? rec.level : 30, recordText(rec));
      } catch {
        sink.log(30, line);
      }
    },
  };
}

/** pino-pretty in-process and synchronous, printing keepalived-shaped lines (console-line.ts). */
function prettyOptions(detail: boolean): pretty.PrettyOptions {
  return {
    sync: true,
    colorize: false,
    hideObject: true,
    ignore: 'time,level,pid,hostname,name',
    messageFormat: (log) => formatConsoleLine(log, detail),
  };
}

export function createLogger(opts: LoggerOptions = {}): KatsLogger {
  const level: Level = opts.level ?? (opts.detail ? 'debug' : 'info');
  const streams: StreamEntry[] = [];
  const closers: (() => Promise<void> | void)[] = [];
  if (opts.console && !opts.json) {
    streams.push({ level, stream: pretty({ ...prettyOptions(!!opts.detail), destination: opts.consoleStream ?? 2 }) });
  } else {
    streams.push({ level, stream: opts.jsonStream ?? pino.destination({ dest: 1, sync: true }) });
  }
  if (opts.file) {
    const dest = pino.destination({ dest: opts.file, sync: true, mkdir: true, append: true });
    streams.push({ level, stream: opts.json ? dest : pretty({ ...prettyOptions(!!opts.detail), destination: dest }) });
    closers.push(() => dest.flushSync());
  }
  let syslog: SyslogSink | undefined;
  if (opts.syslog ?? true) {
    syslog = new SyslogSink({
      facility: parseFacility(opts.facility),
      ident: opts.ident ?? 'ka-ts',
      ...(opts.syslogSocket ? { socketPath: opts.syslogSocket } : {}),
      ...(opts.syslogSend ? { send: opts.syslogSend } : {}),
      ...(opts.syslogFormat ? { format: opts.syslogFormat } : {}),
    });
    streams.push({ level, stream: syslogStream(syslog) });
    const s = syslog;
    closers.push(() => s.close());
  }
  const logger = pino({ level, name: opts.ident ?? 'ka-ts', base: { pid: process.pid } }, pino.multistream(streams));
  return {
    logger,
    ...(syslog ? { syslog } : {}),
    close: async () => {
      for (const c of closers) await c();
    },
  };
}
