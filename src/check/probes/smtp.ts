// SMTP_CHECK (check_smtp.c): connect, read the 220 banner, send HELO <helo_name>, expect 250,
// send QUIT, expect 221. Each step must complete within connect_timeout. Multi-line replies
// ("250-…" continuation lines) are read until the final "NNN " line.

import type net from 'node:net';
import type { SmtpCheckSpec } from '../spec.js';
import { elapsedSince, errorReason, failResult, okResult, type ProbeResult } from '../result.js';
import { connectTcp } from './tcp.js';

class SmtpReplyReader {
  private buf = '';
  private waiter: ((line: string | Error) => void) | undefined;
  private readonly lines: string[] = [];
  private failure: Error | undefined;

  constructor(sock: net.Socket) {
    sock.setEncoding('latin1');
    sock.on('data', (chunk: string) => {
      this.buf += chunk;
      let i: number;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, i).replace(/\r$/, '');
        this.buf = this.buf.slice(i + 1);
        // Continuation lines ("250-...") are part of the same reply: keep only the final one.
        if (/^\d{3}-/.test(line)) continue;
        this.push(line);
      }
      if (this.buf.length > 4096) this.fail(new Error('SMTP reply line too long'));
    });
    sock.on('error', (err) => this.fail(err));
    sock.on('close', () => this.fail(new Error('connection closed by server')));
  }

  private push(line: string): void {
    if (this.waiter) { const w = this.waiter; this.waiter = undefined; w(line); } else this.lines.push(line);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    if (this.waiter) { const w = this.waiter; this.waiter = undefined; w(err); }
  }

  next(timeoutMs: number): Promise<string> {
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.waiter = undefined; reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })); }, timeoutMs);
      this.waiter = (v) => { clearTimeout(timer); if (v instanceof Error) reject(v); else resolve(v); };
    });
  }
}

export async function probeSmtp(spec: SmtpCheckSpec): Promise<ProbeResult> {
  const start = performance.now();
  let sock: net.Socket | undefined;
  const t = spec.connect.timeoutMs;
  try {
    sock = await connectTcp(spec.connect);
    const reader = new SmtpReplyReader(sock);
    const expect = async (code: string, step: string): Promise<string | undefined> => {
      const line = await reader.next(t);
      return line.startsWith(code) ? undefined : `${step}: expected ${code}, got "${line.slice(0, 80)}"`;
    };
    let bad = await expect('220', 'banner');
    if (bad) return failResult(elapsedSince(start), bad);
    sock.write(`HELO ${spec.heloName}\r\n`);
    bad = await expect('250', 'HELO');
    if (bad) return failResult(elapsedSince(start), bad);
    sock.write('QUIT\r\n');
    bad = await expect('221', 'QUIT');
    if (bad) return failResult(elapsedSince(start), bad);
    return okResult(elapsedSince(start), 'SMTP dialogue completed');
  } catch (err) {
    return failResult(elapsedSince(start), errorReason(err));
  } finally {
    sock?.destroy();
  }
}
