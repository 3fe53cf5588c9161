import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { priority, sanitizeMessage, severityOfPinoLevel } from './syslog-format.js';

/**
 * Sends log records to the local syslog socket (/dev/log by default), where keepalived logs.
 *
 * Node cannot send on a unix datagram socket, and the in-repo native addon does not offer it
 * yet, so records go through one long-lived util-linux `logger` process reading
 * `<PRI>message` lines on stdin (`--prio-prefix`): the facility/severity of each record is kept,
 * logger does the framing and the datagram send, and writing to its pipe never blocks the event
 * loop. If `logger` is missing or dies, records fall back to stderr (counted), never lost silently.
 * When the addon gains a unix datagram send, pass it as `send` and lines go straight to the socket.
 */
export interface SyslogSinkOptions {
  readonly facility: number;
  readonly ident: string;
  readonly socketPath?: string;
  /** Direct datagram send (native addon); when given, no `logger` process is used. */
  readonly send?: (socketPath: string, datagram: Buffer) => void;
  /** Formats a full datagram for `send` (RFC 3164 by default, see syslog-format.ts). */
  readonly frame?: (pri: number, msg: string) => string;
  readonly fallback?: (line: string) => void;
  /** Framing of the datagrams logger(1) sends: RFC 3164 (glibc syslog(3), the default) or RFC 5424. */
  readonly format?: 'rfc3164' | 'rfc5424';
}

export class SyslogSink {
  sent = 0;
  fallbacks = 0;
  lastError: string | undefined;
  private child: ChildProcess | undefined;
  private dead = false;
  private readonly socketPath: string;

  constructor(private readonly opts: SyslogSinkOptions) {
    this.socketPath = opts.socketPath ?? '/dev/log';
    if (opts.send) return;
    // Without a socket logger(1) would start, fail and exit, taking the first lines with it.
    if (!existsSync(this.socketPath)) {
      this.dead = true;
      this.lastError = `no syslog socket at ${this.socketPath}`;
      return;
    }
    this.startLogger();
  }

  /** Sends one record (pino level number and text message). */
  log(level: number, msg: string): void {
    const pri = priority(this.opts.facility, severityOfPinoLevel(level));
    const text = sanitizeMessage(msg);
    if (this.opts.send) {
      try {
        const frame = this.opts.frame ? this.opts.frame(pri, text) : `<${pri}>${this.opts.ident}[${process.pid}]: ${text}`;
        this.opts.send(this.socketPath, Buffer.from(frame));
        this.sent += 1;
      } catch (err) {
        this.fail(`syslog send failed: ${(err as Error).message}`, text);
      }
      return;
    }
    if (this.dead || !this.child?.stdin?.writable) {
      this.fail(this.lastError ?? 'syslog helper not running', text);
      return;
    }
    this.child.stdin.write(`<${pri}>${text}\n`);
    this.sent += 1;
  }

  /** Flushes and stops the helper; resolves once it has exited. */
  close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin?.end();
    });
  }

  private startLogger(): void {
    // Without a flag logger(1) frames a local socket message as glibc's syslog(3) does (no hostname).
    const framing = this.opts.format === 'rfc5424' ? ['--rfc5424=notq'] : [];
    const child = spawn('logger', ['--prio-prefix', ...framing, '-u', this.socketPath, '-t', this.opts.ident, `--id=${process.pid}`, '--socket-errors=on'], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-500); });
    child.on('error', (err) => { this.dead = true; this.lastError = `cannot start logger(1): ${err.message}`; });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return; // closed on purpose
      this.dead = true;
      this.lastError = `logger(1) exited (${code ?? signal}): ${stderr.trim() || 'no message'}`;
    });
    // An EPIPE after the helper died must not crash the daemon: the exit handler records it.
    child.stdin?.on('error', (err) => { this.dead = true; this.lastError = `logger(1) pipe: ${err.message}`; });
    // Do not keep the daemon alive just for the helper.
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    this.child = child;
  }

  private fail(reason: string, text: string): void {
    this.fallbacks += 1;
    this.lastError = reason;
    (this.opts.fallback ?? ((l: string) => process.stderr.write(l + '\n')))(`${this.opts.ident}[${process.pid}]: ${text}`);
  }
}
