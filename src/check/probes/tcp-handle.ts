// A TCP connect without net.Socket: Node's own TCP handle (the `tcp_wrap` binding that net.Socket
// is built on), connected, then closed. A TCP_CHECK needs nothing of the stream machinery
// net.Socket sets up, and skipping it costs ~7 µs of user CPU per check instead of ~45 µs, which
// is what lets one checker process run thousands of TCP checks per second.
// The binding is internal to Node: if it is missing or behaves unexpectedly in a future Node,
// `tcpHandleAvailable()` is false and TCP_CHECK falls back to net.connect (tcp.ts).

import net from 'node:net';
import { getSystemErrorName } from 'node:util';
import type { ConnectSpec } from '../spec.js';

interface TcpHandle {
  connect(req: ConnectReq, address: string, port: number): number;
  connect6(req: ConnectReq, address: string, port: number): number;
  bind(address: string, port: number): number;
  bind6(address: string, port: number, flags: number): number;
  close(cb?: () => void): void;
  /** uv_tcp_close_reset: SO_LINGER {1, 0} and close, so the connection ends with a RST. */
  reset?(cb?: () => void): number;
}
interface ConnectReq { oncomplete: (status: number) => void; address: string; port: number }
interface TcpWrapBinding {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => ConnectReq;
  constants: { SOCKET: number };
}

let binding: TcpWrapBinding | undefined | null;

function load(): TcpWrapBinding | undefined {
  if (binding !== undefined) return binding ?? undefined;
  try {
    const b = (process as unknown as { binding(name: string): TcpWrapBinding }).binding('tcp_wrap');
    binding = typeof b?.TCP === 'function' && typeof b.TCPConnectWrap === 'function' && typeof b.constants?.SOCKET === 'number' ? b : null;
  } catch {
    binding = null;
  }
  return binding ?? undefined;
}

export const tcpHandleAvailable = (): boolean => load() !== undefined;

export class TcpConnectError extends Error {
  override readonly name = 'TcpConnectError';
  constructor(readonly code: string, message: string) { super(message); }
}

/** A negative libuv status (= -errno) as the TcpConnectError of `what` ("connect", "bind"). */
export const errFromStatus = (status: number, what: string): TcpConnectError => {
  let name: string;
  try { name = getSystemErrorName(status); } catch { name = `E${-status}`; }
  return new TcpConnectError(name, `${what}: ${name}`);
};

/** Connects and closes at once; resolves on success, rejects with a TcpConnectError (code = errno name). */
export function tcpConnectOnce(c: ConnectSpec): Promise<void> {
  const b = load();
  if (!b) return Promise.reject(new TcpConnectError('ENOSYS', 'tcp_wrap binding unavailable'));
  return new Promise((resolve, reject) => {
    const v6 = net.isIPv6(c.host);
    const handle = new b.TCP(b.constants.SOCKET);
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // An established check connection is reset, not closed, as keepalived's tcp_connect does
      // (SO_LINGER {1, 0}, "free the tcp port after closing"): no FIN exchange and no TIME_WAIT
      // socket per check, which is most of the kernel's work at thousands of checks per second.
      // (reset fails only for a handle being shut down, which a check never does; Node marks the
      // handle closing even then, so there is no falling back to close() after it.)
      if (!err && handle.reset) handle.reset();
      else handle.close();
      if (err) reject(err); else resolve();
    };
    const timer = setTimeout(() => finish(new TcpConnectError('ETIMEDOUT', 'connect timeout')), c.timeoutMs);
    if (c.bindTo || c.bindPort) {
      const addr = c.bindTo ?? (v6 ? '::' : '0.0.0.0');
      const st = v6 ? handle.bind6(addr, c.bindPort ?? 0, 0) : handle.bind(addr, c.bindPort ?? 0);
      if (st) { finish(errFromStatus(st, 'bind')); return; }
    }
    const req = new b.TCPConnectWrap();
    req.address = c.host;
    req.port = c.port;
    req.oncomplete = (status) => finish(status ? errFromStatus(status, 'connect') : undefined);
    const st = v6 ? handle.connect6(req, c.host, c.port) : handle.connect(req, c.host, c.port);
    if (st) finish(errFromStatus(st, 'connect'));
  });
}
