// Collects the address changes of one engine turn (several instances, a sync group moving
// together) into one AddressPort.apply call, and runs batches strictly one after another so an
// add and a later remove of the same VIP can never be reordered. Announcements (GARP/NA) queued in
// the same turn run after the batch that adds their addresses.
import type { AddressPort, VipEntry } from './ports.js';

const key = (v: VipEntry): string => `${v.dev} ${v.cidr}`;

export interface BatchCounters {
  batches: number;
  failures: number;
}

export class AddressBatcher {
  private add = new Map<string, VipEntry>();
  private del = new Map<string, VipEntry>();
  private after: Array<() => void> = [];
  private scheduled = false;
  private chain: Promise<void> = Promise.resolve();
  readonly counters: BatchCounters = { batches: 0, failures: 0 };

  constructor(private readonly port: AddressPort, private readonly onError: (err: Error) => void) {}

  /** Later calls in the same turn win: add then remove of one VIP is a remove. */
  request(add: VipEntry[], del: VipEntry[]): void {
    for (const v of add) { this.del.delete(key(v)); this.add.set(key(v), v); }
    for (const v of del) { this.add.delete(key(v)); this.del.set(key(v), v); }
    this.schedule();
  }

  /** Runs `fn` once the current turn's batch has been applied (even if it failed). */
  thenRun(fn: () => void): void {
    this.after.push(fn);
    this.schedule();
  }

  /** Resolves when everything requested so far has been applied. */
  flush(): Promise<void> {
    if (this.scheduled) this.dispatch();
    return this.chain;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // queueMicrotask: the batch closes at the end of the current engine turn, without a timer delay.
    queueMicrotask(() => { if (this.scheduled) this.dispatch(); });
  }

  private dispatch(): void {
    this.scheduled = false;
    const add = [...this.add.values()];
    const del = [...this.del.values()];
    const after = this.after;
    this.add = new Map();
    this.del = new Map();
    this.after = [];
    this.chain = this.chain.then(async () => {
      if (add.length > 0 || del.length > 0) {
        this.counters.batches += 1;
        try {
          await this.port.apply(add, del);
        } catch (err) {
          this.counters.failures += 1;
          this.onError(err as Error);
        }
      }
      for (const fn of after) {
        try { fn(); } catch (err) { this.onError(err as Error); }
      }
    });
  }
}
