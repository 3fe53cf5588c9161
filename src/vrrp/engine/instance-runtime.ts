// One VRRP instance at run time: its state machine, the channel it sends on, and the execution of
// the machine's effects (adverts on the wire, addresses through the batcher, GARP/NA after the
// addresses are in place, notify events). Everything here runs synchronously on the engine's turn
// except address changes, which the batcher applies in order in the background; nothing on this
// path waits for a script or a child process.
import { decodeAdvert, type DecodeContext } from '../packet/decode.js';
import { encodeAdvert } from '../packet/encode.js';
import { VRRP_MCAST_GROUP4, VRRP_MCAST_GROUP6 } from '../packet/constants.js';
import type { VrrpEffect, VrrpEvent, VrrpState } from '../fsm/events.js';
import type { VrrpInstanceSpec } from '../fsm/spec.js';
import type { VrrpInstanceMachine } from '../fsm/instance.js';
import { advertFor } from '../fsm/advert-for.js';
import type { EngineInstanceSpec } from './engine-spec.js';
import type { AddressBatcher } from './address-batcher.js';
import type { NotifySink } from './notify-sink.js';
import type { AnnouncePort, ReceivedPacket, TrafficBlockPort, VrrpChannel } from './ports.js';

/** Compile-time exhaustiveness: a new effect type without a case here is a type error. */
function assertNever(e: never): never {
  throw new Error(`unhandled VRRP effect ${JSON.stringify(e)}`);
}

export interface RuntimeCounters {
  sendErrors: number;
  announceBursts: number;
}

export interface RuntimeDeps {
  batcher: AddressBatcher;
  announce: AnnouncePort;
  /** vrrp_strict without accept: drop traffic to the VIPs while MASTER (absent: not available). */
  blocker?: TrafficBlockPort;
  notify: NotifySink;
  log: (level: 'info' | 'warn' | 'error' | 'debug', msg: string, data?: Record<string, unknown>) => void;
  /** Hands an event to the machine (directly or through its sync group) and runs the effects. */
  deliver: (rt: InstanceRuntime, ev: VrrpEvent, now: number) => void;
}

export class InstanceRuntime {
  readonly counters: RuntimeCounters = { sendErrors: 0, announceBursts: 0 };
  lastTransitionMs: number | undefined;
  lastTransitionWallMs: number | undefined;
  private multicastChecksumForUnicast = false;
  private blockTrafficReported = false;

  constructor(
    public spec: EngineInstanceSpec,
    readonly machine: VrrpInstanceMachine,
    public channel: VrrpChannel,
    private readonly deps: RuntimeDeps,
  ) {}

  get name(): string { return this.spec.vrrp.name; }
  get vrrp(): VrrpInstanceSpec { return this.spec.vrrp; }
  get state(): VrrpState { return this.machine.state; }

  onPacket(p: ReceivedPacket, now: number): void {
    // keepalived ignores packets in INIT and FAULT (not even counted).
    if (!this.machine.acceptsAdverts()) return;
    const ctx: DecodeContext = {
      family: this.vrrp.family, src: p.src, dst: p.dst,
      ...(p.ttl !== undefined ? { ttl: p.ttl } : {}),
      ...(p.ipTotalLength !== undefined ? { ipTotalLength: p.ipTotalLength } : {}),
      ...(p.ipHeaderLength !== undefined ? { ipHeaderLength: p.ipHeaderLength } : {}),
      checkAddresses: this.machine.checkAddressesFor(p.src),
      expected: this.machine.decodeExpectation(),
    };
    const r = decodeAdvert(p.payload, ctx);
    if (!r.ok) {
      this.deps.log('debug', `${this.name}: dropped advert from ${p.src}: ${r.reason} (${r.detail})`, { instance: this.name, reason: r.reason });
      this.deps.deliver(this, { type: 'advertDropped', reason: r.reason }, now);
      return;
    }
    this.deps.deliver(this, { type: 'advertReceived', advert: r.advert }, now);
  }

  /** Records a state change the engine observed after delivering an event. */
  noteTransition(now: number): void {
    this.lastTransitionMs = now;
    this.lastTransitionWallMs = Date.now();
  }

  private allVips() {
    return [...this.spec.vips, ...this.spec.excludedVips];
  }

  /** Executes one of the machine's effects. */
  execute(e: VrrpEffect): void {
    switch (e.type) {
      case 'sendAdvert':
        this.sendAdvert(e.priority);
        return;
      case 'addVips':
        this.deps.batcher.change({ addVips: this.allVips(), addRoutes: this.spec.routes ?? [], addRules: this.spec.rules ?? [] });
        if (e.blockTraffic) {
          if (this.deps.blocker) this.deps.blocker.block(this.allVips().map((v) => v.cidr.split('/')[0]!));
          else this.reportBlockTrafficMissing();
        }
        return;
      case 'removeVips':
        this.deps.batcher.change({ delVips: this.allVips(), delRoutes: this.spec.routes ?? [], delRules: this.spec.rules ?? [] });
        this.deps.blocker?.unblock(this.allVips().map((v) => v.cidr.split('/')[0]!));
        return;
      case 'sendGarp':
        this.announceAfterBatch(this.allVips().map((v) => v.cidr.split('/')[0]!), e.repeat);
        return;
      case 'notify':
        if (e.state === 'INIT') return;
        {
          const ev = { kind: 'INSTANCE' as const, name: this.name, state: e.state, priority: e.priority, scripts: this.spec.notify };
          // As keepalived: scripts hear MASTER once the VIPs are in place, BACKUP once they are gone.
          this.deps.batcher.thenRun(() => this.deps.notify.notify(ev));
        }
        return;
      case 'notifyMasterRxLowerPri':
        this.deps.log('info', `${this.name}: master received a lower-priority advert (${e.priority}) from ${e.from}`, { instance: this.name });
        return;
      case 'useMulticastChecksumForUnicast':
        this.multicastChecksumForUnicast = true;
        return;
      case 'announceSourceAddress':
        // keepalived try_up_instance: one GARP/NA for our unicast source so the master re-learns
        // us before our down timer runs out.
        this.announceAfterBatch([this.vrrp.primaryAddress], 1);
        return;
      default:
        assertNever(e);
    }
  }

  /**
   * vrrp_strict without `accept`: keepalived installs nftables/iptables rules dropping traffic to
   * the VIPs. Not implemented here: the VIPs answer like any local address. Said once per instance
   * so the operator knows, rather than silently differing.
   */
  private reportBlockTrafficMissing(): void {
    if (this.blockTrafficReported) return;
    this.blockTrafficReported = true;
    this.deps.log('warn', `${this.name}: vrrp_strict without accept: no traffic blocker is available (nftables), so the VIPs accept traffic`, { instance: this.name });
  }

  /**
   * GARP/NA for `addrs`, `repeat` times, after the current address batch: an announcement for an
   * address the kernel does not hold yet would draw traffic that is then dropped.
   */
  announceAfterBatch(addrs: string[], repeat: number): void {
    if (addrs.length === 0 || repeat <= 0) return;
    // Each address on the interface that holds it (a VIP with `dev`, a use_vmac macvlan): the
    // frame must carry that interface's MAC, the one that answers ARP for the address.
    const byDev = new Map<string, string[]>();
    for (const a of addrs) {
      const dev = this.allVips().find((v) => v.cidr.split('/')[0] === a)?.dev ?? this.spec.interface;
      byDev.set(dev, [...(byDev.get(dev) ?? []), a]);
    }
    this.deps.batcher.thenRun(() => {
      for (let i = 0; i < repeat; i++) for (const [dev, list] of byDev) this.deps.announce.announce(dev, list);
      this.counters.announceBursts += 1;
    });
  }

  private sendAdvert(priority: number): void {
    const s = this.vrrp;
    const advert = advertFor(s, priority);
    const group = s.family === 'ipv4' ? VRRP_MCAST_GROUP4 : VRRP_MCAST_GROUP6;
    const dsts = s.unicastPeers.length > 0 ? s.unicastPeers : [group];
    for (const dst of dsts) {
      try {
        const pseudoDst = this.multicastChecksumForUnicast && s.family === 'ipv4' ? VRRP_MCAST_GROUP4 : dst;
        this.channel.send(encodeAdvert(advert, { src: s.primaryAddress, dst: pseudoDst }), dst);
      } catch (err) {
        this.counters.sendErrors += 1;
        this.deps.log('warn', `${this.name}: cannot send advert to ${dst}: ${(err as Error).message}`, { instance: this.name });
      }
    }
  }
}
