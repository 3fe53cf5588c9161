// Canonical address text, so that "2001:DB8:0::1" from a config and "2001:db8::1" from ipvsadm
// compare equal, plus persistence-granularity masks in the form ipvsadm prints.
import { isIPv4, isIPv6 } from 'node:net';
import type { Family } from './table.js';

/** An octet written with a leading zero ("010"); only those need rewriting (hot path: diffs of big tables). */
const LEADING_ZERO = /(^|\.)0\d/;

/** Canonical form (RFC 5952 for IPv6), or undefined when `text` is not an IP address. */
export function canonicalAddress(text: string): string | undefined {
  if (isIPv4(text)) return LEADING_ZERO.test(text) ? text.split('.').map((o) => String(Number(o))).join('.') : text;
  if (isIPv6(text)) {
    // The WHATWG URL parser serialises IPv6 hosts in RFC 5952 form (lower case, longest zero run).
    return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  }
  return undefined;
}

export function familyOf(address: string): Family {
  return address.includes(':') ? 'inet6' : 'inet';
}

/** IPv4 address → 32-bit unsigned integer. */
export function ipv4ToInt(a: string): number {
  return a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => String(Math.floor(n / 2 ** s) % 256)).join('.');
}

/**
 * Persistence granularity as ipvsadm shows it: IPv4 dotted mask, IPv6 prefix length; undefined for
 * a host mask (the kernel's default, which ipvsadm -S does not print). Accepts "24", "/24" or a
 * dotted mask for IPv4. Returns an Error for anything else.
 */
export function canonicalNetmask(family: Family, text: string): string | undefined | Error {
  const t = text.trim().replace(/^\//, '');
  if (family === 'inet6') {
    if (!/^\d+$/.test(t) || Number(t) < 1 || Number(t) > 128) return new Error(`IPv6 persistence granularity must be a prefix length 1-128, not '${text}'`);
    return Number(t) === 128 ? undefined : String(Number(t));
  }
  let bits: number;
  if (/^\d+$/.test(t)) {
    bits = Number(t);
    if (bits < 1 || bits > 32) return new Error(`IPv4 persistence granularity must be 1-32 bits or a dotted mask, not '${text}'`);
  } else if (isIPv4(t)) {
    const n = ipv4ToInt(t);
    const bin = n.toString(2).padStart(32, '0');
    if (!/^1+0*$/.test(bin)) return new Error(`persistence granularity '${text}' is not a contiguous netmask`);
    bits = bin.indexOf('0') === -1 ? 32 : bin.indexOf('0');
  } else {
    return new Error(`persistence granularity '${text}' is neither a prefix length nor a dotted netmask`);
  }
  if (bits === 32) return undefined;
  return intToIpv4(bits === 0 ? 0 : (2 ** 32 - 2 ** (32 - bits)));
}

/** Prefix length of a canonical mask (as returned by canonicalNetmask), host length when absent. */
export function netmaskBits(family: Family, mask: string | undefined): number {
  if (mask === undefined) return family === 'inet6' ? 128 : 32;
  if (family === 'inet6') return Number(mask);
  const bin = ipv4ToInt(mask).toString(2).padStart(32, '0');
  const zero = bin.indexOf('0');
  return zero === -1 ? 32 : zero;
}
