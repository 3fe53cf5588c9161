// Byte-exact Ethernet frames keepalived 2.2.7 sends when it takes addresses over:
// - gratuitous ARP (vrrp_arp.c): broadcast ARP *request*, sender = target = the VIP, target
//   hardware address ff:ff:ff:ff:ff:ff, 42 bytes (no padding; the NIC pads on the wire);
// - unsolicited neighbour advertisement (vrrp_ndisc.c): to ff02::1 / 33:33:00:00:00:01 with the
//   VIP itself as IPv6 source (seen on the wire from keepalived 2.2.7, test/fixtures/vrrp/
//   v3-ipv6.json), hop limit 255, Override flag (plus Router when the interface forwards),
//   target link-layer address option.
// Pure functions: no sockets; sent by announcer.ts through the addon's AF_PACKET send.
import { isIPv4, isIPv6 } from 'node:net';
import { IoInputError } from './errors.js';

export const ETH_P_ARP = 0x0806;
export const ETH_P_IPV6 = 0x86dd;
const BROADCAST_MAC = Buffer.from('ffffffffffff', 'hex');
const ALL_NODES_MAC = Buffer.from('333300000001', 'hex');
const ALL_NODES = 'ff02::1';

export function parseMac(mac: string): Buffer {
  if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(mac)) throw new IoInputError('MAC address', mac);
  return Buffer.from(mac.replace(/:/g, ''), 'hex');
}

export function ipv4Bytes(ip: string): Buffer {
  if (!isIPv4(ip)) throw new IoInputError('IPv4 address', ip);
  return Buffer.from(ip.split('.').map(Number));
}

/** 16 bytes of an IPv6 address (any textual form node:net accepts, incl. embedded IPv4). */
export function ipv6Bytes(ip: string): Buffer {
  if (!isIPv6(ip)) throw new IoInputError('IPv6 address', ip);
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = ipv4Bytes(v4[1]!);
    text = text.slice(0, -v4[1]!.length) + `${b.readUInt16BE(0).toString(16)}:${b.readUInt16BE(2).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** Gratuitous ARP for `ip` from `mac`: 14-byte Ethernet header + 28-byte ARP request. */
export function buildGratuitousArp(mac: string, ip: string): Buffer {
  const src = parseMac(mac);
  const addr = ipv4Bytes(ip);
  const f = Buffer.alloc(42);
  BROADCAST_MAC.copy(f, 0);
  src.copy(f, 6);
  f.writeUInt16BE(ETH_P_ARP, 12);
  f.writeUInt16BE(1, 14); // hardware: Ethernet
  f.writeUInt16BE(0x0800, 16); // protocol: IPv4
  f[18] = 6;
  f[19] = 4;
  f.writeUInt16BE(1, 20); // request, as keepalived (widest compatibility with old stacks)
  src.copy(f, 22);
  addr.copy(f, 28);
  BROADCAST_MAC.copy(f, 32);
  addr.copy(f, 38);
  return f;
}

/** RFC 1071 one's-complement sum over the IPv6 pseudo-header and the ICMPv6 message. */
export function icmpv6Checksum(src: Buffer, dst: Buffer, icmp: Buffer): number {
  const pseudo = Buffer.alloc(40);
  src.copy(pseudo, 0);
  dst.copy(pseudo, 16);
  pseudo.writeUInt32BE(icmp.length, 32);
  pseudo[39] = 58;
  let sum = 0;
  for (const b of [pseudo, icmp]) {
    for (let i = 0; i < b.length; i += 2) sum += (b[i]! << 8) | (i + 1 < b.length ? b[i + 1]! : 0);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export interface UnsolicitedNaOptions {
  /** Interface MAC: Ethernet source and target link-layer address option. */
  mac: string;
  /** The address being announced; also the IPv6 source, as keepalived sends it. */
  target: string;
  /** Router flag: keepalived sets it when the interface forwards IPv6. */
  router: boolean;
}

/** Unsolicited NA: 14 Ethernet + 40 IPv6 + 32 ICMPv6 (24 NA + 8 TLLA option) = 86 bytes. */
export function buildUnsolicitedNa(o: UnsolicitedNaOptions): Buffer {
  const mac = parseMac(o.mac);
  const src = ipv6Bytes(o.target);
  const dst = ipv6Bytes(ALL_NODES);
  const icmp = Buffer.alloc(32);
  icmp[0] = 136; // neighbour advertisement
  icmp[4] = (o.router ? 0x80 : 0) | 0x20; // R, (not S: unsolicited), O
  ipv6Bytes(o.target).copy(icmp, 8);
  icmp[24] = 2; // option: target link-layer address
  icmp[25] = 1; // length in units of 8 bytes
  mac.copy(icmp, 26);
  icmp.writeUInt16BE(icmpv6Checksum(src, dst, icmp), 2);

  const f = Buffer.alloc(14 + 40 + icmp.length);
  ALL_NODES_MAC.copy(f, 0);
  mac.copy(f, 6);
  f.writeUInt16BE(ETH_P_IPV6, 12);
  f.writeUInt32BE(0x60000000, 14); // version 6, traffic class 0, flow 0
  f.writeUInt16BE(icmp.length, 18);
  f[20] = 58; // next header: ICMPv6
  f[21] = 255; // hop limit: receivers drop ND with anything else
  src.copy(f, 22);
  dst.copy(f, 38);
  icmp.copy(f, 54);
  return f;
}
