// Validates and decodes a received VRRP payload in the order keepalived 2.2.7's vrrp_check_packet
// checks it, so the same packet is dropped for the same reason (and counted under the same
// statistic) by ka-ts and keepalived. Never throws: every input yields an advert or a DropReason.
import {
  AUTH_AH,
  AUTH_NONE,
  AUTH_PASS,
  VRRP_HEADER_LEN,
  VRRP_MCAST_GROUP4,
  VRRP_TTL,
  VRRP_TYPE_ADVERT,
  addressLength,
  type AuthType,
  type IpFamily,
  type VrrpVersion,
} from './constants.js';
import { authPasswordBytes, type VrrpAdvert } from './advert.js';
import { internetChecksum, pseudoHeader } from './checksum.js';
import type { DropReason } from './drop-reason.js';
import { advertPayloadLength } from './encode.js';
import { bytesToIp, canonicalIp } from './ip-address.js';

/** What the receiving instance knows and expects. */
export interface DecodeExpectation {
  vrid: number;
  version: VrrpVersion;
  /** The instance's virtual addresses (any spelling); their count fixes the expected length. */
  addresses: readonly string[];
  advertIntMs: number;
  /** v2 only. */
  authType: AuthType;
  /** v2 PASS password (keepalived uses the first 8 bytes). */
  authPassword?: string;
  /** True when the instance has unicast_peer entries (TTL not checked; advert must be unicast). */
  unicast: boolean;
  /** unicast_peer addresses, checked against the source only when `checkUnicastSource`. */
  unicastPeers?: readonly string[];
  /** Global `vrrp_check_unicast_src`. */
  checkUnicastSource?: boolean;
}

export interface DecodeContext {
  family: IpFamily;
  /** Source address from the IP header. */
  src: string;
  /** Destination address from the IP header (IPv6: from IPV6_PKTINFO). Needed for the v3 IPv4 checksum. */
  dst: string;
  /** IPv4 TTL or IPv6 hop limit; undefined when the transport could not read it (keepalived then skips the check for IPv6). */
  ttl?: number;
  /** IPv4 only: total length from the IP header and the header length, to check they agree with what was read. */
  ipTotalLength?: number;
  ipHeaderLength?: number;
  /**
   * Whether to verify the IPv6 checksum. keepalived leaves it to the kernel (IPV6_CHECKSUM on the
   * socket drops bad packets before user space), so the default is false.
   */
  verifyIpv6Checksum?: boolean;
  /** global vrrp_mcast_group4 (default 224.0.0.18): the pseudo-header destination of the old unicast v3 checksum. */
  mcastGroup4?: string;
  /**
   * Check that every VIP of ours is listed in the advert. keepalived skips this only when
   * skip_check_adv_addr is set AND the advert comes from the current master's address; the caller
   * (state machine) decides and passes the result.
   */
  checkAddresses: boolean;
  expected: DecodeExpectation;
}

export interface DecodedAdvert extends VrrpAdvert {
  /** The source address the advert came from (canonical text). */
  src: string;
  /**
   * True when a unicast v3 IPv4 advert only verified with the multicast group in the pseudo-header: the peer
   * uses keepalived's old unicast checksum; keepalived then switches to that mode for sending too.
   */
  checksumAgainstMulticastGroup: boolean;
}

export type DecodeResult = { ok: true; advert: DecodedAdvert } | { ok: false; reason: DropReason; detail: string };

function drop(reason: DropReason, detail: string): DecodeResult {
  return { ok: false, reason, detail };
}

function isMulticast(family: IpFamily, addr: string): boolean {
  if (family === 'ipv4') {
    const first = Number(addr.split('.')[0]);
    return first >= 224 && first <= 239;
  }
  return addr.toLowerCase().startsWith('ff');
}

/** Reads the VRID of a payload (for instance lookup before full decoding); undefined if too short. */
export function peekVrid(payload: Uint8Array): number | undefined {
  return payload.length >= VRRP_HEADER_LEN ? payload[1] : undefined;
}

export function decodeAdvert(payload: Uint8Array, ctx: DecodeContext): DecodeResult {
  try {
    return decodeChecked(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), ctx);
  } catch (err) {
    // Only a malformed ctx (e.g. an unparseable configured address) can get here: the packet bytes
    // are all read within checked bounds. Report it rather than crash the receive loop.
    return drop('bad-context', (err as Error).message);
  }
}

function decodeChecked(buf: Buffer, ctx: DecodeContext): DecodeResult {
  const { family, expected: exp } = ctx;
  if (buf.length < VRRP_HEADER_LEN) return drop('too-short', `${buf.length} bytes, header needs ${VRRP_HEADER_LEN}`);
  const vrid = buf[1] ?? 0;
  if (vrid !== exp.vrid) return drop('vrid-unknown', `vrid ${vrid}, instance has ${exp.vrid}`);

  // keepalived computes the expected length from its OWN version and VIP count, before looking at
  // the version field, so a v3 packet at a v2 instance is usually a length error.
  const expectedLen = advertPayloadLength(exp.version, family, exp.addresses.length);
  if (buf.length !== expectedLen) {
    return drop('packet-length', `packet too ${buf.length > expectedLen ? 'long' : 'short'}: ${buf.length} bytes, expect ${expectedLen}`);
  }
  if (!exp.unicast && ctx.ttl !== undefined && ctx.ttl !== VRRP_TTL) {
    return drop('ttl', `TTL/hop limit ${ctx.ttl}, expect ${VRRP_TTL}`);
  }
  const version = (buf[0] ?? 0) >> 4;
  if (version !== exp.version) return drop('version', `version ${version}, expect ${exp.version}`);

  let advertIntMs: number;
  let authType: AuthType = AUTH_NONE;
  let authPassword: string | undefined;
  if (exp.version === 2) {
    const at = buf[4] ?? 0;
    if (at !== AUTH_NONE && at !== AUTH_PASS && at !== AUTH_AH) return drop('auth-type-invalid', `auth type ${at}`);
    if (at !== exp.authType) return drop('auth-type-mismatch', `auth type ${at}, expect ${exp.authType}`);
    authType = at;
    if (at === AUTH_PASS && family === 'ipv4') {
      const got = buf.subarray(buf.length - 8);
      if (!got.equals(authPasswordBytes(exp.authPassword ?? ''))) return drop('auth-failure', 'password differs');
      const nul = got.indexOf(0);
      authPassword = got.subarray(0, nul < 0 ? 8 : nul).toString('utf8');
    }
    advertIntMs = (buf[5] ?? 0) * 1000;
    if (advertIntMs !== exp.advertIntMs) {
      return drop('advert-interval-mismatch', `interval ${advertIntMs / 1000} s, ours ${exp.advertIntMs / 1000} s`);
    }
  } else {
    advertIntMs = (buf.readUInt16BE(4) & 0x0fff) * 10;
  }
  const type = (buf[0] ?? 0) & 0x0f;
  if (type !== VRRP_TYPE_ADVERT) return drop('type', `type ${type}, expect ${VRRP_TYPE_ADVERT}`);
  const naddr = buf[3] ?? 0;
  if (naddr !== exp.addresses.length) return drop('address-count', `${naddr} addresses, expect ${exp.addresses.length}`);
  if (family === 'ipv4' && ctx.ipTotalLength !== undefined && ctx.ipHeaderLength !== undefined) {
    if (ctx.ipTotalLength !== ctx.ipHeaderLength + buf.length) {
      return drop('packet-length', `IP total length ${ctx.ipTotalLength} but received ${ctx.ipHeaderLength + buf.length}`);
    }
  }

  let viaGroup = false;
  if (family === 'ipv4' && exp.version === 2) {
    if (internetChecksum(buf) !== 0) return drop('checksum', 'invalid VRRPv2 checksum');
  } else if (family === 'ipv4') {
    if (internetChecksum(pseudoHeader('ipv4', ctx.src, ctx.dst, buf.length), buf) !== 0) {
      const group = ctx.mcastGroup4 ?? VRRP_MCAST_GROUP4;
      const canRetry = exp.unicast && ctx.dst !== group;
      if (canRetry && internetChecksum(pseudoHeader('ipv4', ctx.src, group, buf.length), buf) === 0) {
        viaGroup = true;
      } else {
        return drop('checksum', 'invalid VRRPv3 checksum');
      }
    }
  } else if (ctx.verifyIpv6Checksum) {
    if (internetChecksum(pseudoHeader('ipv6', ctx.src, ctx.dst, buf.length), buf) !== 0) {
      return drop('checksum', `invalid VRRPv${exp.version} IPv6 checksum`);
    }
  }

  if (isMulticast(family, ctx.dst) === exp.unicast) {
    return drop('cast-mismatch', `expected ${exp.unicast ? 'unicast' : 'multicast'} but received ${exp.unicast ? 'multicast' : 'unicast'}`);
  }

  const alen = addressLength(family);
  const addresses: string[] = [];
  for (let i = 0; i < naddr; i++) addresses.push(bytesToIp(family, buf, VRRP_HEADER_LEN + i * alen));

  if (ctx.checkAddresses) {
    const present = new Set(addresses);
    for (const mine of exp.addresses) {
      if (!present.has(canonicalIp(family, mine))) return drop('address-list', `${mine} not present in advert`);
    }
  }
  const src = canonicalIp(family, ctx.src);
  if (ctx.checkAddresses && exp.unicast && exp.checkUnicastSource) {
    const peers = new Set((exp.unicastPeers ?? []).map((p) => canonicalIp(family, p)));
    if (!peers.has(src)) return drop('unicast-source', `unicast source ${src} is not a unicast peer`);
  }

  const advert: DecodedAdvert = {
    version: exp.version,
    family,
    vrid,
    priority: buf[2] ?? 0,
    advertIntMs,
    addresses,
    authType,
    src,
    checksumAgainstMulticastGroup: viaGroup,
  };
  if (authPassword !== undefined) advert.authPassword = authPassword;
  return { ok: true, advert };
}
