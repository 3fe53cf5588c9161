// The engine's VrrpTransport port (src/vrrp/engine/ports.ts) over VrrpSocket: what the daemon
// wires in. Packets arrive already split (IPv4 header parsed natively), with TTL/hop limit and
// destination, and only from the bound interface: SO_BINDTODEVICE binds the socket to the
// interface's index, so packets from any other interface never reach it.
import type { ReceivedPacket, VrrpChannel, VrrpChannelOptions, VrrpTransport } from '../engine/ports.js';
import { VrrpSocket, type VrrpSocketCounters } from './vrrp-socket.js';

export class NativeVrrpTransport implements VrrpTransport {
  private readonly sockets = new Set<VrrpSocket>();
  /** `netns`: open every socket in that namespace (tests, lab). */
  constructor(private readonly netns?: string) {}

  open(opts: VrrpChannelOptions, onPacket: (p: ReceivedPacket) => void, onError: (err: Error) => void): VrrpChannel {
    const sock = new VrrpSocket({
      ifname: opts.ifname,
      family: opts.family,
      multicast: opts.multicast,
      ...(opts.sourceAddress ? { sourceAddress: opts.sourceAddress } : {}),
      ...(this.netns ? { netns: this.netns } : {}),
    });
    this.sockets.add(sock);
    sock.on('error', onError);
    sock.on('packet', (p) => {
      const r: ReceivedPacket = { payload: p.payload, src: p.src, dst: p.dst };
      if (p.ttl !== undefined) r.ttl = p.ttl;
      if (p.ipTotalLength !== undefined) r.ipTotalLength = p.ipTotalLength;
      if (p.ipHeaderLength !== undefined) r.ipHeaderLength = p.ipHeaderLength;
      onPacket(r);
    });
    return {
      send: (payload, dst) => { sock.send(payload, dst); },
      close: () => {
        sock.close();
        this.sockets.delete(sock);
      },
    };
  }

  /** Sum of all open sockets' counters. */
  counters(): VrrpSocketCounters {
    const sum: VrrpSocketCounters = { sent: 0, received: 0, sendErrors: 0, recvErrors: 0 };
    for (const s of this.sockets) {
      sum.sent += s.counters.sent;
      sum.received += s.counters.received;
      sum.sendErrors += s.counters.sendErrors;
      sum.recvErrors += s.counters.recvErrors;
    }
    return sum;
  }
}
