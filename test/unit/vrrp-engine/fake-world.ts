// In-memory ports for engine unit tests: a transport that records what is sent (and refuses to
// open sockets on interfaces that do not exist), an address port and an announcer that record
// every call, a link port whose facts and link events the test controls, and a manual clock.
import { makeSpec, type VrrpInstanceSpec } from '../../../src/vrrp/fsm/spec.js';
import type { EngineInstanceSpec } from '../../../src/vrrp/engine/engine-spec.js';
import type { EngineDeps } from '../../../src/vrrp/engine/engine.js';
import type {
  AddressTransaction, InterfaceFacts, ReceivedPacket, VipEntry, VrrpChannel, VrrpChannelOptions,
} from '../../../src/vrrp/engine/ports.js';

export interface SentAdvert { ifname: string; dst: string; payload: Buffer }

export class FakeWorld {
  now = 0;
  readonly facts = new Map<string, InterfaceFacts>();
  readonly sent: SentAdvert[] = [];
  readonly batches: AddressTransaction[] = [];
  readonly announced: Array<{ ifname: string; addresses: string[] }> = [];
  readonly openChannels = new Set<string>();
  readonly logs: Array<{ level: string; msg: string }> = [];
  private linkCb: ((ifname: string, up: boolean) => void) | undefined;
  /** Facts lookups for these interfaces wait until the promise resolves (overlapping reloads). */
  readonly slowFacts = new Map<string, Promise<void>>();
  opens = 0;
  /** Interfaces that exist but whose socket cannot be opened (no permission). */
  readonly refuseOpen = new Set<string>();

  addInterface(ifname: string, ipv4: string, up = true): void {
    this.facts.set(ifname, { ifindex: this.facts.size + 2, mac: '02:00:00:00:00:01', up, ipv4 });
  }

  link(ifname: string, up: boolean): void {
    const f = this.facts.get(ifname);
    if (f) f.up = up;
    this.linkCb?.(ifname, up);
  }

  deps(): EngineDeps {
    return {
      clock: () => this.now,
      log: (level, msg) => { this.logs.push({ level, msg }); },
      notify: { notify: () => {} },
      transport: {
        open: (opts: VrrpChannelOptions, _onPacket: (p: ReceivedPacket) => void): VrrpChannel => {
          if (!this.facts.has(opts.ifname)) throw new Error(`cannot bind to ${opts.ifname}: No such device`);
          if (this.refuseOpen.has(opts.ifname)) throw new Error(`cannot open a raw socket on ${opts.ifname}: Operation not permitted`);
          this.opens += 1;
          const key = `${opts.ifname}/${opts.family}`;
          this.openChannels.add(key);
          return {
            send: (payload, dst) => { this.sent.push({ ifname: opts.ifname, dst, payload }); },
            close: () => { this.openChannels.delete(key); },
          };
        },
      },
      addresses: {
        apply: async (add: VipEntry[], del: VipEntry[]) => { this.batches.push({ addAddresses: add, removeAddresses: del }); },
        transact: async (tx: AddressTransaction) => { this.batches.push(tx); },
      },
      announce: { announce: (ifname, addresses) => { this.announced.push({ ifname, addresses }); } },
      link: {
        facts: async (ifname) => {
          await this.slowFacts.get(ifname);
          const f = this.facts.get(ifname);
          return f ? { ...f } : undefined;
        },
        watch: (cb) => { this.linkCb = cb; return () => { this.linkCb = undefined; }; },
      },
    };
  }

  /** Addresses added minus removed over all batches so far, as `dev cidr`. */
  heldAddresses(): string[] {
    const held = new Set<string>();
    for (const b of this.batches) {
      for (const v of b.removeAddresses ?? []) held.delete(`${v.dev} ${v.cidr}`);
      for (const v of b.addAddresses ?? []) held.add(`${v.dev} ${v.cidr}`);
    }
    return [...held].sort();
  }
}

export function instance(
  name: string, ifname: string, vips: string[], over: Partial<VrrpInstanceSpec> = {}, extra: Partial<EngineInstanceSpec> = {},
): EngineInstanceSpec {
  return {
    vrrp: makeSpec({ name, vrid: 51, priority: 100, primaryAddress: '', vips: vips.map((v) => v.split('/')[0]!), ...over }),
    interface: ifname,
    vips: vips.map((cidr) => ({ cidr, dev: ifname })),
    excludedVips: [],
    trackInterfaces: [],
    trackScripts: [],
    notify: {},
    ...extra,
  };
}

/** Lets queued microtasks and promise chains (the address batcher) run. */
export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
