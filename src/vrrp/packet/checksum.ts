// The Internet checksum (RFC 1071) and the pseudo-headers VRRPv3 (RFC 5798 §5.2.8) and IPv6 (RFC
// 8200 §8.1) put in front of the VRRP payload. keepalived computes the IPv4 checksums itself; for
// IPv6 it sets IPV6_CHECKSUM on the socket and the kernel fills the field with the pseudo-header
// sum, for v2 as well as v3 — we compute the same value so encoded bytes equal the wire bytes.
import { IPPROTO_VRRP, type IpFamily } from './constants.js';
import { ipToBytes } from './ip-address.js';

/** One's-complement sum of 16-bit big-endian words over the chunks, folded and inverted. */
export function internetChecksum(...chunks: Uint8Array[]): number {
  let sum = 0;
  let odd: number | undefined;
  for (const c of chunks) {
    for (let i = 0; i < c.length; i++) {
      const byte = c[i] ?? 0;
      if (odd === undefined) odd = byte;
      else {
        sum += (odd << 8) | byte;
        odd = undefined;
      }
    }
  }
  if (odd !== undefined) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** IPv4 pseudo-header: src(4) dst(4) zero(1) proto(1) length(2). */
export function ipv4PseudoHeader(src: string, dst: string, length: number): Buffer {
  const h = Buffer.alloc(12);
  ipToBytes('ipv4', src).copy(h, 0);
  ipToBytes('ipv4', dst).copy(h, 4);
  h[9] = IPPROTO_VRRP;
  h.writeUInt16BE(length, 10);
  return h;
}

/** IPv6 pseudo-header: src(16) dst(16) length(4) zero(3) next-header(1). */
export function ipv6PseudoHeader(src: string, dst: string, length: number): Buffer {
  const h = Buffer.alloc(40);
  ipToBytes('ipv6', src).copy(h, 0);
  ipToBytes('ipv6', dst).copy(h, 16);
  h.writeUInt32BE(length, 32);
  h[39] = IPPROTO_VRRP;
  return h;
}

export function pseudoHeader(family: IpFamily, src: string, dst: string, length: number): Buffer {
  return family === 'ipv4' ? ipv4PseudoHeader(src, dst, length) : ipv6PseudoHeader(src, dst, length);
}
