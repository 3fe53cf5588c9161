// What the instance state machine needs to know about one vrrp_instance. The lead maps the config
// model (src/config/model.ts) onto this; defaults below are keepalived 2.2.7's.
import type { AuthType, IpFamily, VrrpVersion } from '../packet/constants.js';

export interface VrrpInstanceSpec {
  /** Instance name (for notify / logs). */
  name: string;
  vrid: number;
  version: VrrpVersion;
  family: IpFamily;
  /** Configured (base) priority 1..255; 255 = address owner. */
  priority: number;
  /** Our advert interval in ms (v2: multiple of 1000; v3: multiple of 10). */
  advertIntMs: number;
  /** `state MASTER` (wantstate MASTER) or `state BACKUP` (the default). */
  startState: 'MASTER' | 'BACKUP';
  /** False when `nopreempt` is set. */
  preempt: boolean;
  /** `preempt_delay` in ms (0 = none). */
  preemptDelayMs: number;
  /** The address we send from: unicast_src_ip or the interface's primary address. Used for the equal-priority tie-break. */
  primaryAddress: string;
  /** virtual_ipaddress entries (address only, canonical or not), in config order: they go in the advert. */
  vips: string[];
  /** unicast_peer addresses; empty = multicast. */
  unicastPeers: string[];
  /** v2 authentication. */
  authType: AuthType;
  authPassword?: string;
  /** skip_check_adv_addr: don't check the VIP list of adverts from the current master. */
  skipCheckAdvAddr: boolean;
  /** `accept` (v3 accept_mode); with vrrp_strict and no accept, keepalived blocks traffic to the VIPs. */
  accept: boolean;
  /** global vrrp_strict. */
  strict: boolean;
  /** global vrrp_check_unicast_src. */
  checkUnicastSource: boolean;
  /** `down_timer_adverts` (keepalived ≥ 2.2.?: default 3). */
  downTimerAdverts: number;
  /** garp_master_delay in ms (default 5000; 0 = no delayed burst). */
  garpMasterDelayMs: number;
  /** garp_master_repeat (default 5). */
  garpMasterRepeat: number;
  /** garp_master_refresh in ms (default 0 = off). */
  garpMasterRefreshMs: number;
  /** garp_master_refresh_repeat (default 1). */
  garpMasterRefreshRepeat: number;
  /** garp_lower_prio_delay in ms (defaults to garp_master_delay in keepalived). */
  garpLowerPrioDelayMs: number;
  /** garp_lower_prio_repeat (unset: the global vrrp_garp_lower_prio_repeat, which defaults to vrrp_garp_master_repeat, 5; 0 = off). */
  garpLowerPrioRepeat: number;
  /** lower_prio_no_advert: a master hearing a lower priority advert does not answer with its own. */
  lowerPrioNoAdvert: boolean;
  /** higher_prio_send_advert: a master hearing a higher priority advert sends one more advert before yielding. */
  higherPrioSendAdvert: boolean;
}

/** keepalived 2.2.7 defaults for everything but identity and addresses. */
export const SPEC_DEFAULTS = {
  version: 2,
  family: 'ipv4',
  advertIntMs: 1000,
  startState: 'BACKUP',
  preempt: true,
  preemptDelayMs: 0,
  unicastPeers: [],
  authType: 0,
  skipCheckAdvAddr: false,
  accept: false,
  strict: false,
  checkUnicastSource: false,
  downTimerAdverts: 3,
  garpMasterDelayMs: 5000,
  garpMasterRepeat: 5,
  garpMasterRefreshMs: 0,
  garpMasterRefreshRepeat: 1,
  garpLowerPrioDelayMs: 5000,
  garpLowerPrioRepeat: 5,
  lowerPrioNoAdvert: false,
  higherPrioSendAdvert: false,
} as const satisfies Partial<VrrpInstanceSpec>;

export type RequiredSpecFields = 'name' | 'vrid' | 'priority' | 'primaryAddress' | 'vips';

/** Builds a full spec from the required fields plus overrides, applying keepalived's defaults. */
export function makeSpec(fields: Pick<VrrpInstanceSpec, RequiredSpecFields> & Partial<VrrpInstanceSpec>): VrrpInstanceSpec {
  return { ...SPEC_DEFAULTS, unicastPeers: [], ...fields };
}

export class VrrpSpecError extends Error {
  override readonly name = 'VrrpSpecError';
  constructor(readonly instance: string, readonly field: string, message: string) {
    super(`vrrp_instance ${instance}: ${field}: ${message}`);
  }
}

/** Rejects a spec the machine cannot run (the config layer should have caught these with a location). */
export function validateSpec(s: VrrpInstanceSpec): void {
  const bad = (field: string, msg: string): never => {
    throw new VrrpSpecError(s.name, field, msg);
  };
  if (!Number.isInteger(s.vrid) || s.vrid < 1 || s.vrid > 255) bad('virtual_router_id', `must be 1..255, got ${s.vrid}`);
  if (!Number.isInteger(s.priority) || s.priority < 1 || s.priority > 255) bad('priority', `must be 1..255, got ${s.priority}`);
  if (s.version === 2 && (s.advertIntMs % 1000 !== 0 || s.advertIntMs < 1000 || s.advertIntMs > 255000)) {
    bad('advert_int', `VRRPv2 needs whole seconds 1..255, got ${s.advertIntMs} ms`);
  }
  if (s.version === 3 && (s.advertIntMs % 10 !== 0 || s.advertIntMs < 10 || s.advertIntMs > 40950)) {
    bad('advert_int', `VRRPv3 needs a multiple of 10 ms in 10..40950, got ${s.advertIntMs} ms`);
  }
  if (!Number.isInteger(s.downTimerAdverts) || s.downTimerAdverts < 1 || s.downTimerAdverts > 100) {
    bad('down_timer_adverts', `must be 1..100, got ${s.downTimerAdverts}`);
  }
  if (s.vips.length > 255) bad('virtual_ipaddress', `at most 255 addresses fit in an advert, got ${s.vips.length}`);
  if (s.preemptDelayMs < 0) bad('preempt_delay', 'must not be negative');
}
