// Linux socket option numbers and structs that raw-socket does not export, for multicast VRRP and
// ICMPv6 sockets (values from <linux/in.h>, <linux/in6.h>; Linux-only, like the product).
import { ipv4ToBytes, ipv6ToBytes } from '../packet/ip-address.js';

export const SOL_SOCKET = 1;
export const IPPROTO_IP = 0;
export const IPPROTO_IPV6 = 41;
export const SO_BINDTODEVICE = 25;
export const IP_TTL = 2;
export const IP_MULTICAST_IF = 32;
export const IP_MULTICAST_TTL = 33;
export const IP_MULTICAST_LOOP = 34;
export const IP_ADD_MEMBERSHIP = 35;
export const IPV6_CHECKSUM = 7;
export const IPV6_UNICAST_HOPS = 16;
export const IPV6_MULTICAST_IF = 17;
export const IPV6_MULTICAST_HOPS = 18;
export const IPV6_MULTICAST_LOOP = 19;
export const IPV6_JOIN_GROUP = 20;

/** struct ip_mreqn { in_addr multiaddr; in_addr address; int ifindex; } */
export function ipMreqn(group: string, ifindex: number): Buffer {
  const b = Buffer.alloc(12);
  if (group) ipv4ToBytes(group).copy(b, 0);
  b.writeInt32LE(ifindex, 8);
  return b;
}

/** struct ipv6_mreq { in6_addr multiaddr; unsigned int ifindex; } */
export function ipv6Mreq(group: string, ifindex: number): Buffer {
  const b = Buffer.alloc(20);
  ipv6ToBytes(group).copy(b, 0);
  b.writeUInt32LE(ifindex, 16);
  return b;
}

export function int32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v, 0);
  return b;
}
