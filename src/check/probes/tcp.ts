// TCP_CHECK: success when a TCP connection is established within connect_timeout (check_tcp.c).
// The connection is closed at once; no data is exchanged.

import net from 'node:net';
import type { ConnectSpec, TcpCheckSpec } from '../spec.js';
import { elapsedSince, errorReason, failResult, okResult, type ProbeResult } from '../result.js';
import { tcpConnectOnce, tcpHandleAvailable } from './tcp-handle.js';
import { nativeOnlyError, needsNativeProber, startTcpNative, tcpConnectNative, tcpErrorOf, tcpNativeAvailable } from './tcp-native.js';

/** Opens a TCP connection honouring bindto/bind_port and connect_timeout; resolves with the socket. */
export function connectTcp(c: ConnectSpec): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const opts: net.NetConnectOpts = { host: c.host, port: c.port };
    if (c.bindTo) opts.localAddress = c.bindTo;
    if (c.bindPort) opts.localPort = c.bindPort;
    const sock = net.connect(opts);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' }));
    }, c.timeoutMs);
    sock.once('connect', () => { clearTimeout(timer); sock.removeAllListeners('error'); resolve(sock); });
    sock.once('error', (err) => { clearTimeout(timer); sock.destroy(); reject(err); });
  });
}

/**
 * TCP_CHECK through the native addon's prober (cheapest), else Node's TCP handle, else
 * net.Socket; all three close an established check connection with a RST, as keepalived does.
 */
export function probeTcp(spec: TcpCheckSpec): Promise<ProbeResult> {
  if (tcpNativeAvailable()) return probeWith(tcpConnectNative, spec);
  // keepalived fails a check whose SO_MARK / SO_BINDTODEVICE cannot be set; so does ka-ts.
  if (needsNativeProber(spec.connect)) return Promise.resolve(failResult(0, `${nativeOnlyError().message} (no native addon)`));
  if (tcpHandleAvailable()) return probeWith(tcpConnectOnce, spec);
  return probeTcpSocket(spec);
}

/**
 * TCP_CHECK with a callback instead of a promise: the checker service's path. Through the
 * native prober a check then costs one closure and one result object; elsewhere as probeTcp.
 */
export function checkTcp(spec: TcpCheckSpec, done: (result: ProbeResult) => void): void {
  if (tcpNativeAvailable()) {
    const start = performance.now();
    const started = startTcpNative(spec.connect, (errno) => {
      done(errno === 0 ? okResult(elapsedSince(start), 'connected') : failResult(elapsedSince(start), errorReason(tcpErrorOf(errno))));
    });
    if (started) return;
  }
  probeTcp(spec).then(done);
}

/** TCP_CHECK through the native addon's TcpProber. */
export const probeTcpNative = (spec: TcpCheckSpec): Promise<ProbeResult> => probeWith(tcpConnectNative, spec);

/** TCP_CHECK through Node's TCP handle (tcp_wrap). */
export const probeTcpHandle = (spec: TcpCheckSpec): Promise<ProbeResult> => probeWith(tcpConnectOnce, spec);

async function probeWith(connectOnce: (c: TcpCheckSpec['connect']) => Promise<void>, spec: TcpCheckSpec): Promise<ProbeResult> {
  const start = performance.now();
  try {
    await connectOnce(spec.connect);
    return okResult(elapsedSince(start), 'connected');
  } catch (err) {
    return failResult(elapsedSince(start), errorReason(err));
  }
}

/** TCP_CHECK through net.Socket (the portable path). */
export async function probeTcpSocket(spec: TcpCheckSpec): Promise<ProbeResult> {
  const start = performance.now();
  try {
    const sock = await connectTcp(spec.connect);
    sock.on('error', () => { /* a reset after connect does not change the verdict */ });
    // Closed with a RST as keepalived does (SO_LINGER 0): no TIME_WAIT per check.
    sock.resetAndDestroy();
    return okResult(elapsedSince(start), 'connected');
  } catch (err) {
    return failResult(elapsedSince(start), errorReason(err));
  }
}
