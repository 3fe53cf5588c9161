// VrrpTransport over the `raw-socket` package: raw IP protocol-112 sockets bound to one interface
// (SO_BINDTODEVICE, so packets from other interfaces never reach the instance), multicast group
// joined on that interface, TTL / hop limit 255, no multicast loopback.
//
// Limits of raw-socket (it uses recvfrom and has no bind): the kernel chooses the source address
// (the interface's primary IPv4 / link-local IPv6 — what keepalived uses unless unicast_src_ip
// names another address); for IPv6 the hop limit and destination of received packets are not
// visible, so the hop-limit check is skipped as keepalived does when it cannot read it, and the
// IPv6 checksum is verified by the kernel (IPV6_CHECKSUM, as keepalived). vrrp-io's native socket
// lifts these limits and plugs into the same VrrpTransport port.
import raw, { type RawSocket } from 'raw-socket';
import { VRRP_MCAST_GROUP4, VRRP_MCAST_GROUP6, IPPROTO_VRRP } from '../packet/constants.js';
import type { ReceivedPacket, VrrpChannel, VrrpChannelOptions, VrrpTransport } from './ports.js';
import {
  IPPROTO_IP, IPPROTO_IPV6, IPV6_CHECKSUM, IPV6_JOIN_GROUP, IPV6_MULTICAST_HOPS, IPV6_MULTICAST_IF, IPV6_MULTICAST_LOOP,
  IPV6_UNICAST_HOPS, IP_ADD_MEMBERSHIP, IP_MULTICAST_IF, IP_MULTICAST_LOOP, IP_MULTICAST_TTL, IP_TTL, SOL_SOCKET, SO_BINDTODEVICE,
  int32, ipMreqn, ipv6Mreq,
} from './sockopt.js';

export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(readonly ifname: string, message: string) {
    super(`${ifname}: ${message}`);
  }
}

/** Splits an IPv4 datagram as a raw socket returns it into header facts and the VRRP payload. */
export function splitIpv4(buf: Buffer, src: string): ReceivedPacket | undefined {
  if (buf.length < 20) return undefined;
  const ihl = (buf[0]! & 0x0f) * 4;
  if (ihl < 20 || buf.length < ihl) return undefined;
  return {
    payload: buf.subarray(ihl),
    src,
    dst: `${buf[16]}.${buf[17]}.${buf[18]}.${buf[19]}`,
    ttl: buf[8]!,
    ipTotalLength: buf.readUInt16BE(2),
    ipHeaderLength: ihl,
  };
}

export class RawSocketTransport implements VrrpTransport {
  /** `ifindexOf` resolves an interface name (the caller knows it from its link facts). */
  constructor(private readonly ifindexOf: (ifname: string) => number | undefined) {}

  open(opts: VrrpChannelOptions, onPacket: (p: ReceivedPacket) => void, onError: (err: Error) => void): VrrpChannel {
    const v6 = opts.family === 'ipv6';
    const ifindex = this.ifindexOf(opts.ifname);
    if (ifindex === undefined) throw new TransportError(opts.ifname, 'interface does not exist');
    const sock: RawSocket = raw.createSocket({ protocol: IPPROTO_VRRP, addressFamily: v6 ? raw.AddressFamily.IPv6 : raw.AddressFamily.IPv4 });
    try {
      const dev = Buffer.from(`${opts.ifname}\0`);
      sock.setOption(SOL_SOCKET, SO_BINDTODEVICE, dev, dev.length);
      if (v6) {
        sock.setOption(IPPROTO_IPV6, IPV6_CHECKSUM, int32(6), 4);
        sock.setOption(IPPROTO_IPV6, IPV6_MULTICAST_IF, int32(ifindex), 4);
        sock.setOption(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, int32(255), 4);
        sock.setOption(IPPROTO_IPV6, IPV6_UNICAST_HOPS, int32(255), 4);
        sock.setOption(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, int32(0), 4);
        if (opts.multicast) sock.setOption(IPPROTO_IPV6, IPV6_JOIN_GROUP, ipv6Mreq(VRRP_MCAST_GROUP6, ifindex), 20);
      } else {
        sock.setOption(IPPROTO_IP, IP_MULTICAST_IF, ipMreqn('', ifindex), 12);
        sock.setOption(IPPROTO_IP, IP_MULTICAST_TTL, int32(255), 4);
        sock.setOption(IPPROTO_IP, IP_TTL, int32(255), 4);
        sock.setOption(IPPROTO_IP, IP_MULTICAST_LOOP, int32(0), 4);
        if (opts.multicast) sock.setOption(IPPROTO_IP, IP_ADD_MEMBERSHIP, ipMreqn(VRRP_MCAST_GROUP4, ifindex), 12);
      }
    } catch (err) {
      sock.close();
      throw new TransportError(opts.ifname, `cannot set up the VRRP socket: ${(err as Error).message}`);
    }
    sock.on('error', onError);
    sock.on('message', (buf, src) => {
      if (v6) {
        onPacket({ payload: buf, src: src.split('%')[0]!, dst: opts.multicast ? VRRP_MCAST_GROUP6 : (opts.sourceAddress ?? '::') });
        return;
      }
      const p = splitIpv4(buf, src);
      if (p) onPacket(p);
    });
    let closed = false;
    return {
      send(payload, dst) {
        if (closed) return;
        sock.send(payload, 0, payload.length, dst, null, (err) => { if (err) onError(err); });
      },
      close() {
        if (closed) return;
        closed = true;
        sock.close();
      },
    };
  }
}
