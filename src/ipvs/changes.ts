// The change set between two tables: what a backend is asked to do, in order.
import type { Destination, Service, ServiceId, SyncDaemon, Timeouts } from './table.js';

export type Change =
  | { op: 'add-service'; service: Service }
  | { op: 'edit-service'; service: Service; previous: Service }
  | { op: 'delete-service'; service: Service }
  | { op: 'add-dest'; service: ServiceId; dest: Destination }
  | { op: 'edit-dest'; service: ServiceId; dest: Destination; previous: Destination }
  | { op: 'delete-dest'; service: ServiceId; dest: Destination }
  /** ipvsadm --set; fields left undefined are sent as 0 (= unchanged). */
  | { op: 'set-timeouts'; timeouts: Timeouts }
  | { op: 'start-sync-daemon'; daemon: SyncDaemon }
  | { op: 'stop-sync-daemon'; daemon: SyncDaemon };

export type ChangeOp = Change['op'];

/** Outcome of one change. `unsupported` is permanent for this backend: the reconciler stops retrying it. */
export type ChangeStatus = 'ok' | 'failed' | 'unsupported';

export interface ChangeOutcome {
  change: Change;
  status: ChangeStatus;
  /** Why it failed (backend message), when status is not ok. */
  error?: string;
}

export interface ApplyResult {
  outcomes: ChangeOutcome[];
}

export function failedOutcomes(r: ApplyResult): ChangeOutcome[] {
  return r.outcomes.filter((o) => o.status !== 'ok');
}
