// Why a received packet was not accepted, one name per check keepalived's vrrp_check_packet makes,
// each mapped to the keepalived statistic (keepalived.stats / exporters) that counts it.

export const DROP_REASONS = [
  /** Shorter than the fixed 8-byte header: cannot even be matched to an instance. */
  'too-short',
  /** VRID is not the instance's (keepalived ignores it: VRRP_PACKET_OTHER, not an error). */
  'vrid-unknown',
  /** Payload length differs from what this instance's version/family/VIP count implies, or from the IPv4 total length. */
  'packet-length',
  /** Multicast advert with TTL / hop limit other than 255. */
  'ttl',
  /** Version field differs from the instance's version. */
  'version',
  /** v2 auth type that is none of 0/1/2. */
  'auth-type-invalid',
  /** v2 auth type differs from the instance's. */
  'auth-type-mismatch',
  /** v2 PASS: password differs. */
  'auth-failure',
  /** v2 advert interval differs from ours (v3 mismatches are accepted: the backup adopts the master's). */
  'advert-interval-mismatch',
  /** Type field is not 1 (advertisement). */
  'type',
  /** Address count field differs from the instance's VIP count. */
  'address-count',
  /** Checksum does not verify. */
  'checksum',
  /** Multicast advert to a unicast instance or unicast advert to a multicast instance. */
  'cast-mismatch',
  /** One of the instance's VIPs is absent from the advert (unless skip_check_adv_addr). */
  'address-list',
  /** Unicast advert from a source not in unicast_peer (global vrrp_check_unicast_src). */
  'unicast-source',
  /** The receiver's own context was unusable (e.g. an unparseable configured address): a local bug, not the peer's. */
  'bad-context',
] as const;

export type DropReason = (typeof DROP_REASONS)[number];

/**
 * keepalived statistic each reason increments (names as in keepalived.stats / the Prometheus
 * exporters, without the `keepalived_` prefix and `_total` suffix). Reasons keepalived does not
 * count in its stats file are counted by ka-ts under its own names (marked `ka-ts:`).
 */
export const DROP_REASON_STAT: Record<DropReason, string> = {
  'too-short': 'packet_length_errors',
  'vrid-unknown': 'ka-ts:other_vrid_received',
  'packet-length': 'packet_length_errors',
  ttl: 'ip_ttl_errors',
  version: 'ka-ts:version_errors',
  'auth-type-invalid': 'authentication_invalid',
  'auth-type-mismatch': 'authentication_mismatch',
  'auth-failure': 'authentication_failure',
  'advert-interval-mismatch': 'advertisements_interval_errors',
  type: 'invalid_type_received',
  'address-count': 'address_list_errors',
  checksum: 'ka-ts:checksum_errors',
  'cast-mismatch': 'address_list_errors',
  'address-list': 'address_list_errors',
  'unicast-source': 'ka-ts:unicast_source_errors',
  'bad-context': 'ka-ts:decode_context_errors',
};

/**
 * keepalived counts a packet as a received advertisement once type, version, length, auth and
 * checksum passed — before the VIP list and unicast-source checks. These reasons still count as
 * `advertisements_received`.
 */
export const DROP_AFTER_RECEIVED_COUNT: ReadonlySet<DropReason> = new Set<DropReason>(['address-list', 'unicast-source']);

export function isDropReason(s: string): s is DropReason {
  return (DROP_REASONS as readonly string[]).includes(s);
}
