// OUTPUT CONTRACT of the checker side, consumed by the IPVS desired-state builder and by ops
// (notify scripts, status). Two views of the same truth:
//  - HealthEvent: edge-triggered changes, in the order keepalived would act on them;
//  - PoolView: level-triggered desired destinations per virtual server (what IPVS should hold),
//    so a consumer that missed events (restart, reload) can rebuild from a snapshot.
// CheckerService emits 'event' (HealthEvent) for each change, then 'pool' (PoolView) for every
// virtual server the changes touched; pool() returns all PoolViews on demand.

import type { NotifyCommand } from './spec.js';

export type HealthEvent =
  /** All checkers of the real server pass: add it (or restore its weight when inhibited). */
  | { kind: 'rs-up'; vs: string; rs: string; weight: number }
  /** A checker failed for good: remove it, or set weight 0 when `inhibit` (inhibit_on_failure). */
  | { kind: 'rs-down'; vs: string; rs: string; inhibit: boolean; reason: string }
  /** misc_dynamic changed the weight of a real server. */
  | { kind: 'rs-weight'; vs: string; rs: string; weight: number; previous: number }
  /** The real server left the configuration (reload) or the service stopped. */
  | { kind: 'rs-removed'; vs: string; rs: string }
  | { kind: 'quorum-gained'; vs: string; weightSum: number; threshold: number }
  | { kind: 'quorum-lost'; vs: string; weightSum: number; threshold: number }
  /** Quorum lost with a sorry_server: it enters the pool and the live real servers leave it. */
  | { kind: 'sorry-server-in'; vs: string; rs: string; inhibit: boolean }
  /** Quorum regained: the sorry server leaves (weight 0 when inhibit) and live servers return. */
  | { kind: 'sorry-server-out'; vs: string; rs: string; inhibit: boolean }
  /** A notify_up / notify_down / quorum_up / quorum_down script to run (ops runs it). */
  | { kind: 'notify'; vs: string; rs?: string; reason: 'rs-up' | 'rs-down' | 'quorum-up' | 'quorum-down'; script: NotifyCommand };

export type HealthEventKind = HealthEvent['kind'];

/** One destination the virtual server should have in IPVS. */
export interface PoolDestination {
  address: string;
  port: number;
  /** 0 = present but inhibited (inhibit_on_failure / sorry_server_inhibit). */
  weight: number;
  role: 'real' | 'sorry';
}

export interface PoolView {
  vs: string;
  quorumUp: boolean;
  destinations: PoolDestination[];
}
