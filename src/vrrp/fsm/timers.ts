// keepalived's VRRP timer arithmetic (include/vrrp.h VRRP_TIMER_SKEW, vrrp.c ms_down_timer), done
// in integer microseconds exactly as keepalived does and returned in milliseconds.
import type { VrrpVersion } from '../packet/constants.js';

const TIMER_HZ = 1_000_000;

/**
 * Skew time for an effective priority p:
 *  v2: (256 − p) / 256 s, truncated to µs, independent of the advert interval;
 *  v3: (256 − p) × Master_Adver_Interval / 256, computed by keepalived as
 *      ((256 − p) × interval_cs × 625) / 16 µs (625/16 = 10 000 µs / 256), truncated.
 */
export function skewMs(version: VrrpVersion, effectivePriority: number, masterAdvertIntMs: number): number {
  const p = 256 - effectivePriority;
  const us = version === 3 ? Math.floor((p * Math.floor(masterAdvertIntMs / 10) * 625) / 16) : Math.floor((p * TIMER_HZ) / 256);
  return us / 1000;
}

/** Master_Down_Interval = down_timer_adverts (3) × Master_Adver_Interval + Skew_Time. */
export function masterDownMs(version: VrrpVersion, effectivePriority: number, masterAdvertIntMs: number, downTimerAdverts = 3): number {
  return downTimerAdverts * masterAdvertIntMs + skewMs(version, effectivePriority, masterAdvertIntMs);
}
