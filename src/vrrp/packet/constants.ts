// Wire constants of VRRPv2 (RFC 3768) and VRRPv3 (RFC 5798), with the values keepalived 2.2.7 uses.

/** IP protocol number of VRRP (both versions). */
export const IPPROTO_VRRP = 112;
/** TTL (IPv4) / hop limit (IPv6) every multicast advert must carry. */
export const VRRP_TTL = 255;
/** Default multicast groups (keepalived's vrrp_mcast_group4 / vrrp_mcast_group6 defaults). */
export const VRRP_MCAST_GROUP4 = '224.0.0.18';
export const VRRP_MCAST_GROUP6 = 'ff02::12';
/** Fixed 8-byte header shared by v2 and v3. */
export const VRRP_HEADER_LEN = 8;
/** v2 over IPv4 always carries 8 bytes of authentication data after the addresses (zero when auth is none). */
export const VRRP_AUTH_LEN = 8;
export const VRRP_TYPE_ADVERT = 1;
/** Priority values with a protocol meaning. */
export const VRRP_PRIO_STOP = 0;
export const VRRP_PRIO_OWNER = 255;

/** v2 authentication types (RFC 2338 / keepalived). Type 2 (IPSEC AH) travels as IP protocol 51. */
export const AUTH_NONE = 0;
export const AUTH_PASS = 1;
export const AUTH_AH = 2;
export type AuthType = typeof AUTH_NONE | typeof AUTH_PASS | typeof AUTH_AH;

export type VrrpVersion = 2 | 3;
export type IpFamily = 'ipv4' | 'ipv6';

export function addressLength(family: IpFamily): number {
  return family === 'ipv4' ? 4 : 16;
}
