// Builds the VRRP payload (what follows the IP header) exactly as keepalived 2.2.7's
// vrrp_build_vrrp_v2 / vrrp_build_vrrp_v3 do. The IP header itself is the transport's business.
import {
  AUTH_AH,
  AUTH_PASS,
  VRRP_AUTH_LEN,
  VRRP_HEADER_LEN,
  VRRP_TYPE_ADVERT,
  addressLength,
} from './constants.js';
import { authPasswordBytes, type AdvertEndpoints, type VrrpAdvert } from './advert.js';
import { internetChecksum, pseudoHeader } from './checksum.js';
import { VrrpEncodeError } from './errors.js';
import { ipToBytes } from './ip-address.js';

/** Payload length keepalived expects for this version/family/address count (vrrp_pkt_len). */
export function advertPayloadLength(version: 2 | 3, family: 'ipv4' | 'ipv6', addressCount: number): number {
  const authLen = version === 2 && family === 'ipv4' ? VRRP_AUTH_LEN : 0;
  return VRRP_HEADER_LEN + addressCount * addressLength(family) + authLen;
}

function checkRange(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new VrrpEncodeError(`must be an integer in ${min}..${max}, got ${value}`, field);
  }
}

/**
 * Encodes an advert. `endpoints` is required for v3 over IPv4 (the checksum covers a pseudo-header)
 * and used for IPv6 when given (otherwise the checksum field is left 0 for the kernel to fill via
 * IPV6_CHECKSUM, which is what keepalived does). v2 over IPv4 needs no endpoints.
 */
export function encodeAdvert(advert: VrrpAdvert, endpoints?: AdvertEndpoints): Buffer {
  const { version, family } = advert;
  checkRange('vrid', advert.vrid, 1, 255);
  checkRange('priority', advert.priority, 0, 255);
  checkRange('address count', advert.addresses.length, 0, 255);
  let intervalField: number;
  if (version === 2) {
    if (advert.advertIntMs % 1000 !== 0) {
      throw new VrrpEncodeError(`v2 carries whole seconds, got ${advert.advertIntMs} ms`, 'advertIntMs');
    }
    intervalField = advert.advertIntMs / 1000;
    checkRange('advert interval (s)', intervalField, 1, 255);
  } else {
    if (advert.advertIntMs % 10 !== 0) {
      throw new VrrpEncodeError(`v3 carries centiseconds, got ${advert.advertIntMs} ms`, 'advertIntMs');
    }
    intervalField = advert.advertIntMs / 10;
    checkRange('advert interval (cs)', intervalField, 1, 0x0fff);
  }
  if (advert.authType === AUTH_AH) {
    throw new VrrpEncodeError('IPSEC AH authentication is not implemented by ka-ts', 'authType');
  }
  if (advert.authType === AUTH_PASS && (version !== 2 || family !== 'ipv4')) {
    throw new VrrpEncodeError('PASS authentication exists only in VRRPv2 over IPv4', 'authType');
  }

  const len = advertPayloadLength(version, family, advert.addresses.length);
  const buf = Buffer.alloc(len);
  buf[0] = (version << 4) | VRRP_TYPE_ADVERT;
  buf[1] = advert.vrid;
  buf[2] = advert.priority;
  buf[3] = advert.addresses.length;
  if (version === 2) {
    buf[4] = advert.authType;
    buf[5] = intervalField;
  } else {
    // Top 4 bits are reserved and must be zero (RFC 5798 §5.2.7).
    buf.writeUInt16BE(intervalField & 0x0fff, 4);
  }
  const alen = addressLength(family);
  advert.addresses.forEach((a, i) => ipToBytes(family, a).copy(buf, VRRP_HEADER_LEN + i * alen));
  if (version === 2 && family === 'ipv4' && advert.authType === AUTH_PASS) {
    authPasswordBytes(advert.authPassword ?? '').copy(buf, VRRP_HEADER_LEN + advert.addresses.length * alen);
  }

  if (family === 'ipv4' && version === 2) {
    buf.writeUInt16BE(internetChecksum(buf), 6);
  } else if (family === 'ipv4') {
    if (!endpoints) throw new VrrpEncodeError('VRRPv3 over IPv4 needs src/dst for the pseudo-header', 'endpoints');
    buf.writeUInt16BE(internetChecksum(pseudoHeader('ipv4', endpoints.src, endpoints.dst, len), buf), 6);
  } else if (endpoints) {
    buf.writeUInt16BE(internetChecksum(pseudoHeader('ipv6', endpoints.src, endpoints.dst, len), buf), 6);
  }
  return buf;
}
