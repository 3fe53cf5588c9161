// PING_CHECK (check_ping.c): one ICMP / ICMPv6 echo request, success on the matching reply within
// connect_timeout. Uses net-ping (raw sockets, needs root or CAP_NET_RAW). Sessions are shared
// per address family and timeout, so thousands of pings reuse a handful of raw sockets.
// net-ping cannot bind a source address: `bindto` is not supported for PING_CHECK.

import { createRequire } from 'node:module';
import net from 'node:net';
import type { PingCheckSpec } from '../spec.js';
import { elapsedSince, failResult, okResult, type ProbeResult } from '../result.js';

interface PingSession {
  pingHost(target: string, cb: (err: Error | null, target: string) => void): void;
  close(): void;
  on(ev: 'error', cb: (err: Error) => void): void;
}
interface NetPing {
  createSession(opts: { networkProtocol?: number; retries?: number; timeout?: number; packetSize?: number }): PingSession;
  NetworkProtocol: { IPv4: number; IPv6: number };
}

const require_ = createRequire(import.meta.url);
let netPing: NetPing | undefined;
const sessions = new Map<string, PingSession>();

function session(v6: boolean, timeoutMs: number): PingSession {
  netPing ??= require_('net-ping') as NetPing;
  const key = `${v6 ? 6 : 4}/${timeoutMs}`;
  let s = sessions.get(key);
  if (!s) {
    s = netPing.createSession({ networkProtocol: v6 ? netPing.NetworkProtocol.IPv6 : netPing.NetworkProtocol.IPv4, retries: 0, timeout: timeoutMs });
    // A socket-level error must not crash the checker: drop the session, the next ping reopens it.
    s.on('error', () => { sessions.delete(key); });
    sessions.set(key, s);
  }
  return s;
}

/** Closes the shared raw sockets (service stop, tests). */
export function closePingSessions(): void {
  for (const s of sessions.values()) { try { s.close(); } catch { /* already closed */ } }
  sessions.clear();
}

export function probePing(spec: PingCheckSpec): Promise<ProbeResult> {
  const start = performance.now();
  const host = spec.connect.host;
  return new Promise((resolve) => {
    let s: PingSession;
    try {
      s = session(net.isIPv6(host), spec.connect.timeoutMs);
    } catch (err) {
      resolve(failResult(elapsedSince(start), `cannot open ICMP socket: ${(err as Error).message}`));
      return;
    }
    s.pingHost(host, (err) => {
      if (err) resolve(failResult(elapsedSince(start), err.name === 'RequestTimedOutError' ? 'timeout' : err.message));
      else resolve(okResult(elapsedSince(start), 'echo reply'));
    });
  });
}
