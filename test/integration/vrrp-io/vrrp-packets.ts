// Minimal VRRP messages for the transport tests, built here so these tests depend only on the
// transport (the codec has its own tests against the keepalived fixtures).

function inetChecksum(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) sum += (b[i]! << 8) | (i + 1 < b.length ? b[i + 1]! : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** VRRPv2 IPv4 advert, no authentication, checksum filled. */
export function v2Advert(vrid: number, priority: number, vips: string[], advertIntSec = 1): Buffer {
  const p = Buffer.alloc(8 + 4 * vips.length + 8);
  p[0] = 0x21;
  p[1] = vrid;
  p[2] = priority;
  p[3] = vips.length;
  p[4] = 0;
  p[5] = advertIntSec;
  vips.forEach((v, i) => Buffer.from(v.split('.').map(Number)).copy(p, 8 + 4 * i));
  p.writeUInt16BE(inetChecksum(p), 6);
  return p;
}

/** VRRPv3 IPv6 advert; checksum left 0: the raw socket's IPV6_CHECKSUM makes the kernel fill it. */
export function v3Ipv6Advert(vrid: number, priority: number, vips: Buffer[], advertIntCs = 100): Buffer {
  const p = Buffer.alloc(8 + 16 * vips.length);
  p[0] = 0x31;
  p[1] = vrid;
  p[2] = priority;
  p[3] = vips.length;
  p.writeUInt16BE(advertIntCs & 0x0fff, 4);
  vips.forEach((v, i) => v.copy(p, 8 + 16 * i));
  return p;
}
