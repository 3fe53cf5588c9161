// A connected UDP socket for UDP_CHECK and DNS_CHECK, bound to bindto/bind_port when given.
// Connecting matters: the kernel then reports ICMP port/host unreachable back to the socket
// (as ECONNREFUSED / EHOSTUNREACH), which is how keepalived's UDP checker detects a dead port.

import dgram from 'node:dgram';
import net from 'node:net';
import type { ConnectSpec } from '../spec.js';

export function openConnectedUdp(c: ConnectSpec): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(net.isIPv6(c.host) ? 'udp6' : 'udp4');
    const fail = (err: Error): void => { try { sock.close(); } catch { /* closed */ } reject(err); };
    sock.once('error', fail);
    const connect = (): void => sock.connect(c.port, c.host, () => { sock.removeListener('error', fail); resolve(sock); });
    if (c.bindTo || c.bindPort) sock.bind({ address: c.bindTo, port: c.bindPort ?? 0, exclusive: true }, connect);
    else connect();
  });
}

/** Sends `payload` and waits for a datagram `accept` approves, an ICMP error, or the timeout. */
export function udpExchange(
  sock: dgram.Socket,
  payload: Uint8Array,
  timeoutMs: number,
  accept: (msg: Buffer) => boolean,
): Promise<{ kind: 'reply'; msg: Buffer } | { kind: 'error'; err: NodeJS.ErrnoException } | { kind: 'timeout' }> {
  return new Promise((resolve) => {
    const done = (v: { kind: 'reply'; msg: Buffer } | { kind: 'error'; err: NodeJS.ErrnoException } | { kind: 'timeout' }): void => {
      clearTimeout(timer);
      sock.removeAllListeners('message');
      sock.removeAllListeners('error');
      sock.on('error', () => { /* late ICMP errors after the verdict are ignored */ });
      resolve(v);
    };
    const timer = setTimeout(() => done({ kind: 'timeout' }), timeoutMs);
    sock.on('message', (msg) => { if (accept(msg)) done({ kind: 'reply', msg }); });
    sock.on('error', (err: NodeJS.ErrnoException) => done({ kind: 'error', err }));
    sock.send(payload, (err) => { if (err) done({ kind: 'error', err: err as NodeJS.ErrnoException }); });
  });
}
