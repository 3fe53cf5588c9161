// Inputs and outputs of the instance state machine. Everything the machine reacts to is an event;
// everything it wants done in the world (a packet, an address change, a script) is an effect.
import type { DecodedAdvert } from '../packet/decode.js';
import type { DropReason } from '../packet/drop-reason.js';
import type { VrrpInstanceSpec } from './spec.js';

export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT';

/** keepalived's numeric state codes (keepalived_vrrp_state metric, JSON dump). */
export const STATE_CODE: Record<VrrpState, number> = { INIT: 0, BACKUP: 1, MASTER: 2, FAULT: 3 };

export type VrrpEvent =
  /** Begin running (after config load). */
  | { type: 'start' }
  /** Shut down (SIGTERM): a master sends priority 0 and releases its addresses. */
  | { type: 'stop' }
  /** An advert that passed decodeAdvert for this instance. */
  | { type: 'advertReceived'; advert: DecodedAdvert }
  /** A packet for this instance that decodeAdvert rejected (counted only). */
  | { type: 'advertDropped'; reason: DropReason }
  /** The engine's timer reached nextDeadline(). */
  | { type: 'timerExpired' }
  /**
   * Tracking result changed (src/vrrp/tracking): `fault` = some tracked object puts the instance
   * in FAULT; `priority` = the effective priority (already clamped to 1..254, or 255 for the owner).
   */
  | { type: 'trackingChanged'; fault: boolean; priority: number }
  /** Reload in place with a new spec (same vrid/family/interface): a MASTER stays MASTER and advertises at once. */
  | { type: 'reload'; spec: VrrpInstanceSpec }
  /** Sync group orders (sent by SyncGroup, not by the engine). */
  | { type: 'syncGoMaster' }
  | { type: 'syncGoBackup' }
  | { type: 'syncGoFault' }
  | { type: 'syncFaultCleared' };

export type GarpReason = 'become-master' | 'master-delay' | 'master-refresh' | 'lower-prio' | 'lower-prio-delay';

export type VrrpEffect =
  /** Send one advert with this priority (0 = stopping) and our advert interval. */
  | { type: 'sendAdvert'; priority: number }
  /**
   * Take the virtual addresses (VIPs, excluded VIPs, routes, rules). `blockTraffic` is true under
   * vrrp_strict without `accept`: keepalived then installs rules dropping traffic to the VIPs.
   */
  | { type: 'addVips'; blockTraffic: boolean }
  /** Release all virtual addresses, routes and rules. */
  | { type: 'removeVips' }
  /** Send `repeat` gratuitous ARPs (IPv4) / unsolicited NAs (IPv6) for every VIP, spaced by garp_interval. */
  | { type: 'sendGarp'; repeat: number; reason: GarpReason }
  /** State changed; run notify scripts / fifo for `to` (STOP on shutdown). */
  | { type: 'notify'; state: VrrpState | 'STOP'; priority: number }
  /** keepalived's notify_master_rx_lower_pri event. */
  | { type: 'notifyMasterRxLowerPri'; from: string; priority: number }
  /**
   * Unicast instances leaving FAULT: one gratuitous ARP / unsolicited NA for our own source address
   * (unicast_src_ip), so the master re-learns us at once and its adverts reach us before our down
   * timer runs out (keepalived try_up_instance).
   */
  | { type: 'announceSourceAddress' }
  /** Switch sending to the old unicast v3 checksum (pseudo-header dst 224.0.0.18), as keepalived does when a peer uses it. */
  | { type: 'useMulticastChecksumForUnicast' };
