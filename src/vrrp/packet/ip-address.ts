// IPv4/IPv6 text <-> network-order bytes, with canonical (RFC 5952) IPv6 text so decoded addresses
// compare equal to configured ones whatever spelling the config used.
import { isIPv4, isIPv6 } from 'node:net';
import { IpAddressError } from './errors.js';
import type { IpFamily } from './constants.js';

export function ipv4ToBytes(text: string): Buffer {
  if (!isIPv4(text)) throw new IpAddressError(text, 'IPv4');
  return Buffer.from(text.split('.').map((o) => Number(o)));
}

export function ipv6ToBytes(text: string): Buffer {
  // Strip a zone ("fe80::1%eth0"): the zone is not part of the address bytes.
  const bare = text.split('%')[0] ?? '';
  if (!isIPv6(bare)) throw new IpAddressError(text, 'IPv6');
  let head = bare;
  const out = Buffer.alloc(16);
  // A trailing dotted quad ("::ffff:1.2.3.4") becomes the last two groups.
  const lastColon = head.lastIndexOf(':');
  const tail = head.slice(lastColon + 1);
  let tailBytes: Buffer | undefined;
  if (tail.includes('.')) {
    tailBytes = ipv4ToBytes(tail);
    head = head.slice(0, lastColon + 1) + '0:0';
  }
  const [left = '', right] = head.split('::');
  const leftGroups = left === '' ? [] : left.split(':');
  const rightGroups = right === undefined || right === '' ? [] : right.split(':');
  const groups =
    right === undefined
      ? leftGroups
      : [...leftGroups, ...Array<string>(8 - leftGroups.length - rightGroups.length).fill('0'), ...rightGroups];
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  if (tailBytes) tailBytes.copy(out, 12);
  return out;
}

export function ipToBytes(family: IpFamily, text: string): Buffer {
  return family === 'ipv4' ? ipv4ToBytes(text) : ipv6ToBytes(text);
}

export function bytesToIpv4(b: Uint8Array, offset = 0): string {
  return `${b[offset]}.${b[offset + 1]}.${b[offset + 2]}.${b[offset + 3]}`;
}

/** RFC 5952 text: lower case, no leading zeros, longest run (>1) of zero groups as "::". */
export function bytesToIpv6(b: Uint8Array, offset = 0): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((b[offset + i * 2] ?? 0) << 8) | (b[offset + i * 2 + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function bytesToIp(family: IpFamily, b: Uint8Array, offset = 0): string {
  return family === 'ipv4' ? bytesToIpv4(b, offset) : bytesToIpv6(b, offset);
}

/** Canonical text of an address, for comparisons between configured and received addresses. */
export function canonicalIp(family: IpFamily, text: string): string {
  return bytesToIp(family, ipToBytes(family, text));
}

/**
 * Compares two addresses as unsigned big-endian numbers (keepalived compares the raw bytes of the
 * primary address for the equal-priority tie-break). Returns <0, 0, >0.
 */
export function compareIp(family: IpFamily, a: string, b: string): number {
  return Buffer.compare(ipToBytes(family, a), ipToBytes(family, b));
}
