// A client that keeps sending HTTP requests to the VIP from the client namespace, one new TCP
// connection each (a new conntrack entry, so a new scheduling decision on the director), and
// records what answered each one: the real server's name or "ERR <code>". Start and end are
// wall-clock ms (Date.now()) because they are compared with times taken in other processes (the
// notify scripts' `date`, the test's own marks); nothing here uses them as timers.
import type { ChildProcess } from 'node:child_process';
import type { NetnsLab } from './netns.js';
import { waitFor } from './netns.js';

export interface RequestRecord {
  /** Wall-clock ms when the request started. */
  startMs: number;
  /** Wall-clock ms when it succeeded or failed. */
  endMs: number;
  /** Real server name, or "ERR <code>". */
  result: string;
}

export const ok = (r: RequestRecord): boolean => !r.result.startsWith('ERR');

// A timed-out request is abandoned (not retried by TCP) so the client notices a path coming back
// within one timeout rather than after SYN retransmission back-off.
const CLIENT = `const http = require('http');
const [host, port, gapMs, timeoutMs] = process.argv.slice(1).map((v, i) => i === 0 ? v : Number(v));
process.on('SIGTERM', () => process.exit(0));
(async () => { for (;;) {
  const startMs = Date.now();
  const result = await new Promise((res) => {
    const q = http.get({ host, port, path: '/', agent: false, timeout: timeoutMs }, (s) => {
      let b = ''; s.on('data', (d) => b += d); s.on('end', () => res(b)); s.on('error', (e) => res('ERR ' + (e.code || e.message)));
    });
    q.on('error', (e) => res('ERR ' + (e.code || e.message)));
    q.on('timeout', () => { res('ERR timeout'); q.destroy(); });
  });
  process.stdout.write(JSON.stringify({ startMs, endMs: Date.now(), result }) + '\\n');
  await new Promise((r) => setTimeout(r, gapMs));
} })();`;

export class TrafficClient {
  readonly records: RequestRecord[] = [];
  private constructor(readonly child: ChildProcess) {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line) this.records.push(JSON.parse(line) as RequestRecord);
      }
    });
  }

  /** Starts the client in `ns`; the lab kills it (by PID) at cleanup. */
  static start(lab: NetnsLab, ns: string, host: string, port: number, opts: { gapMs?: number; timeoutMs?: number } = {}): TrafficClient {
    const child = lab.spawn(ns, process.execPath, ['-e', CLIENT, host, String(port), String(opts.gapMs ?? 25), String(opts.timeoutMs ?? 500)]);
    return new TrafficClient(child);
  }

  /** Requests that started at or after `fromMs` (and before `toMs`, when given). */
  since(fromMs: number, toMs = Infinity): RequestRecord[] {
    return this.records.filter((r) => r.startMs >= fromMs && r.startMs < toMs);
  }

  /** Waits until at least `n` requests that started at or after `fromMs` have completed. */
  async waitCount(fromMs: number, n: number, timeoutMs: number): Promise<RequestRecord[]> {
    try {
      await waitFor(() => this.since(fromMs).length >= n, timeoutMs);
    } catch {
      throw new Error(`client: only ${this.since(fromMs).length} of ${n} requests completed within ${timeoutMs} ms; last: ${JSON.stringify(this.records.slice(-5))}`);
    }
    return this.since(fromMs);
  }

  /** Waits until some request that started at or after `fromMs` satisfies `pred`; returns it. */
  async waitFirst(fromMs: number, pred: (r: RequestRecord) => boolean, timeoutMs: number, what: string): Promise<RequestRecord> {
    try {
      return await waitFor(() => this.since(fromMs).find(pred), timeoutMs);
    } catch {
      throw new Error(`client: no request ${what} within ${timeoutMs} ms; last: ${JSON.stringify(this.records.slice(-5))}`);
    }
  }
}

/** Requests per answer, e.g. { rs1: 10, rs2: 9, 'ERR ECONNREFUSED': 1 }. */
export function tally(rs: readonly RequestRecord[]): Record<string, number> {
  const m: Record<string, number> = {};
  for (const r of rs) m[r.result] = (m[r.result] ?? 0) + 1;
  return m;
}
