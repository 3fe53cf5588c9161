import type { NotifyEvent, NotifySink } from '../vrrp/engine/notify-sink.js';
import type { TransitionRecord, VrrpState } from './snapshot.js';

/**
 * Remembers each instance's last state transition (from, to, wall time, reason) for status,
 * dumps and metrics. The VRRP engine reports states to its NotifySink; `wrap()` puts the
 * tracker in front of the real sink so every transition is recorded exactly when notified.
 */
export class TransitionTracker {
  /**
   * `onTransition` sees every recorded change (instances and sync groups) — the place for the
   * one log line per transition (logging/events.ts logTransition).
   */
  constructor(private readonly onTransition?: (name: string, rec: TransitionRecord, kind: 'INSTANCE' | 'GROUP') => void) {}

  private readonly groupState = new Map<string, VrrpState>();
  private readonly last = new Map<string, TransitionRecord>();
  private readonly current = new Map<string, VrrpState>();
  private readonly counts = new Map<string, Partial<Record<VrrpState, number>>>();

  /** Records a transition of `instance` to `to` (from the last recorded state, INIT at first). */
  record(instance: string, to: VrrpState, reason?: string, atMs: number = Date.now()): TransitionRecord {
    const from = this.current.get(instance) ?? 'INIT';
    const rec: TransitionRecord = { atMs, from, to, ...(reason ? { reason } : {}) };
    this.current.set(instance, to);
    this.last.set(instance, rec);
    const c = this.counts.get(instance) ?? {};
    c[to] = (c[to] ?? 0) + 1;
    this.counts.set(instance, c);
    return rec;
  }

  /** How many times `instance` entered each state. */
  transitions(instance: string): Readonly<Partial<Record<VrrpState, number>>> | undefined {
    const c = this.counts.get(instance);
    return c ? { ...c } : undefined;
  }

  get(instance: string): TransitionRecord | undefined {
    return this.last.get(instance);
  }

  /** Drops instances a reload removed. */
  retain(names: Iterable<string>): void {
    const keep = new Set(names);
    for (const n of [...this.last.keys()]) if (!keep.has(n)) { this.last.delete(n); this.current.delete(n); this.counts.delete(n); }
  }

  /**
   * A NotifySink that records instance transitions (STOP is a shutdown, not a VRRP state),
   * reports group transitions to `onTransition`, then forwards.
   */
  wrap(sink: NotifySink, reasonOf?: (ev: NotifyEvent) => string | undefined): NotifySink {
    return {
      notify: (ev: NotifyEvent): void => {
        if (ev.state !== 'STOP') {
          const reason = reasonOf?.(ev);
          if (ev.kind === 'INSTANCE') {
            const rec = this.record(ev.name, ev.state, reason);
            this.onTransition?.(ev.name, rec, 'INSTANCE');
          } else {
            const rec: TransitionRecord = { atMs: Date.now(), from: this.groupState.get(ev.name) ?? 'INIT', to: ev.state, ...(reason ? { reason } : {}) };
            this.groupState.set(ev.name, ev.state);
            this.onTransition?.(ev.name, rec, 'GROUP');
          }
        }
        sink.notify(ev);
      },
    };
  }
}
