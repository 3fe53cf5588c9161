// Collects the address, route and rule changes of one engine turn (several instances, a sync group
// moving together) into one AddressPort call, and runs batches strictly one after another so an
// add and a later remove of the same object can never be reordered. Announcements (GARP/NA) and
// notifications queued in the same turn run after the batch that made them true.
import type { AddressPort, AddressTransaction, IpObject, VipEntry } from './ports.js';

const vipKey = (v: VipEntry): string => `${v.dev} ${v.cidr}`;
const objKey = (o: IpObject): string => `${o.family} ${o.words.join(' ')}`;

export interface BatchCounters {
  batches: number;
  failures: number;
}

export class AddressBatcherError extends Error {
  override readonly name = 'AddressBatcherError';
}

/** Pending adds and removes of one kind of object; the later request for an object wins. */
class PendingSet<T> {
  add = new Map<string, T>();
  del = new Map<string, T>();
  constructor(private readonly key: (t: T) => string) {}
  request(add: T[], del: T[]): void {
    for (const v of add) { this.del.delete(this.key(v)); this.add.set(this.key(v), v); }
    for (const v of del) { this.add.delete(this.key(v)); this.del.set(this.key(v), v); }
  }
  take(): { add: T[]; del: T[] } {
    const out = { add: [...this.add.values()], del: [...this.del.values()] };
    this.add = new Map();
    this.del = new Map();
    return out;
  }
}

export interface ObjectChange {
  addVips?: VipEntry[];
  delVips?: VipEntry[];
  addRoutes?: IpObject[];
  delRoutes?: IpObject[];
  addRules?: IpObject[];
  delRules?: IpObject[];
}

export class AddressBatcher {
  private readonly vips = new PendingSet<VipEntry>(vipKey);
  private readonly routes = new PendingSet<IpObject>(objKey);
  private readonly rules = new PendingSet<IpObject>(objKey);
  private after: Array<() => void> = [];
  private scheduled = false;
  private chain: Promise<void> = Promise.resolve();
  readonly counters: BatchCounters = { batches: 0, failures: 0 };

  constructor(private readonly port: AddressPort, private readonly onError: (err: Error) => void) {}

  /** Later calls in the same turn win: add then remove of one VIP is a remove. */
  request(add: VipEntry[], del: VipEntry[]): void {
    this.change({ addVips: add, delVips: del });
  }

  change(c: ObjectChange): void {
    this.vips.request(c.addVips ?? [], c.delVips ?? []);
    this.routes.request(c.addRoutes ?? [], c.delRoutes ?? []);
    this.rules.request(c.addRules ?? [], c.delRules ?? []);
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
    const vips = this.vips.take();
    const routes = this.routes.take();
    const rules = this.rules.take();
    const after = this.after;
    this.after = [];
    this.chain = this.chain.then(async () => {
      const extras = routes.add.length + routes.del.length + rules.add.length + rules.del.length;
      if (vips.add.length + vips.del.length + extras > 0) {
        this.counters.batches += 1;
        try {
          if (extras === 0) await this.port.apply(vips.add, vips.del);
          else if (this.port.transact) {
            const tx: AddressTransaction = {
              addAddresses: vips.add, removeAddresses: vips.del, addRoutes: routes.add, removeRoutes: routes.del, addRules: rules.add, removeRules: rules.del,
            };
            await this.port.transact(tx);
          } else {
            await this.port.apply(vips.add, vips.del);
            throw new AddressBatcherError(`this address backend cannot apply virtual_routes/virtual_rules (${extras} not applied); use the native I/O`);
          }
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
