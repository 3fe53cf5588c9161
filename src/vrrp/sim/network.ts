// A deterministic in-memory LAN for VRRP state machines: routers run real VrrpInstanceMachines
// (optionally in SyncGroups); every advert is encoded with the real codec, carried to the other
// routers with a fixed latency and decoded with the real decoder, so the simulation exercises the
// same bytes and checks as the wire. Every packet, transition and effect is recorded.
import { decodeAdvert, type DecodeContext } from '../packet/decode.js';
import { encodeAdvert } from '../packet/encode.js';
import { VRRP_MCAST_GROUP4, VRRP_MCAST_GROUP6, VRRP_TTL } from '../packet/constants.js';
import { peekVrid } from '../packet/decode.js';
import { advertFor } from '../fsm/advert-for.js';
import type { VrrpEffect, VrrpEvent, VrrpState } from '../fsm/events.js';
import { VrrpInstanceMachine } from '../fsm/instance.js';
import type { VrrpInstanceSpec } from '../fsm/spec.js';
import { SyncGroup } from '../fsm/sync-group.js';
import { SimClock } from './clock.js';

export interface SimPacket {
  t: number;
  from: string;
  instance: string;
  src: string;
  dst: string;
  vrid: number;
  priority: number;
  bytes: Buffer;
}

export interface SimTransition {
  t: number;
  router: string;
  instance: string;
  from: VrrpState;
  to: VrrpState;
}

export interface SimEffectRecord {
  t: number;
  router: string;
  instance: string;
  effect: VrrpEffect;
}

export interface SimGroupRecord {
  t: number;
  router: string;
  group: string;
  state: VrrpState;
}

export class SimError extends Error {
  override readonly name = 'SimError';
}

interface SimInstance {
  router: string;
  machine: VrrpInstanceMachine;
  group: SyncGroup | undefined;
}

interface Delivery {
  at: number;
  seq: number;
  packet: SimPacket;
  to: SimInstance;
}

export class SimNetwork {
  readonly clock = new SimClock();
  readonly packets: SimPacket[] = [];
  readonly transitions: SimTransition[] = [];
  readonly effects: SimEffectRecord[] = [];
  readonly groupChanges: SimGroupRecord[] = [];
  /** Drops counted per receiving router/instance, by reason. */
  readonly drops: Array<{ t: number; router: string; instance: string; reason: string }> = [];
  private readonly instances: SimInstance[] = [];
  private readonly queue: Delivery[] = [];
  private seq = 0;
  /** Routers whose link is down (send nothing, receive nothing) or that have crashed. */
  private readonly isolated = new Set<string>();
  private readonly crashed = new Set<string>();

  /** @param latencyMs one-way delay of every packet on the LAN */
  constructor(readonly latencyMs = 1) {}

  /** Adds a router running one instance. Returns the machine for direct inspection. */
  addInstance(router: string, spec: VrrpInstanceSpec): VrrpInstanceMachine {
    const machine = new VrrpInstanceMachine(spec);
    this.instances.push({ router, machine, group: undefined });
    return machine;
  }

  /** Groups already-added instances of one router into a vrrp_sync_group. */
  addSyncGroup(router: string, name: string, instanceNames: string[]): SyncGroup {
    const members = instanceNames.map((n) => this.find(router, n));
    const group = new SyncGroup(name, members.map((m) => m.machine));
    for (const m of members) m.group = group;
    return group;
  }

  machine(router: string, instance: string): VrrpInstanceMachine {
    return this.find(router, instance).machine;
  }

  private find(router: string, instance: string): SimInstance {
    const i = this.instances.find((x) => x.router === router && x.machine.name === instance);
    if (!i) throw new SimError(`no instance ${instance} on router ${router}`);
    return i;
  }

  /** Delivers an event to one instance now (start, stop, trackingChanged, reload...). */
  event(router: string, instance: string, event: VrrpEvent): void {
    this.dispatch(this.find(router, instance), event);
  }

  /** Starts every instance of a router (or of all routers). */
  start(router?: string): void {
    for (const i of this.instances) if (router === undefined || i.router === router) this.dispatch(i, { type: 'start' });
  }

  /** Graceful stop (SIGTERM): masters send priority 0. */
  stop(router: string): void {
    for (const i of this.instances) if (i.router === router) this.dispatch(i, { type: 'stop' });
  }

  /** SIGKILL / power loss: the router vanishes without a word. */
  crash(router: string): void {
    this.crashed.add(router);
  }

  /** Link down/up on a router: nothing in or out (the machine itself is not told; use trackingChanged for that). */
  setLink(router: string, up: boolean): void {
    if (up) this.isolated.delete(router);
    else this.isolated.add(router);
  }

  /**
   * Puts a packet from outside the simulated routers (a test peer, a replayed capture) on the LAN
   * now; it reaches every instance of `toRouter` (all routers if omitted) after the latency and
   * goes through the same decode path as simulated adverts.
   */
  inject(packet: { src: string; dst: string; bytes: Buffer }, toRouter?: string): void {
    const now = this.clock.now();
    const vrid = peekVrid(packet.bytes) ?? -1;
    const p: SimPacket = { t: now, from: 'external', instance: '', src: packet.src, dst: packet.dst, vrid, priority: packet.bytes[2] ?? -1, bytes: packet.bytes };
    this.packets.push(p);
    for (const to of this.instances) {
      if (toRouter !== undefined && to.router !== toRouter) continue;
      this.queue.push({ at: now + this.latencyMs, seq: this.seq++, packet: p, to });
    }
  }

  /** Runs the simulation until time `t` (inclusive), processing deliveries and timers in time order. */
  runUntil(t: number): void {
    for (let guard = 0; guard < 1_000_000; guard++) {
      const next = this.nextTime();
      if (next === undefined || next > t) {
        this.clock.advanceTo(Math.max(this.clock.now(), t));
        return;
      }
      this.clock.advanceTo(Math.max(this.clock.now(), next));
      this.step();
    }
    throw new SimError('simulation did not settle (1e6 steps): an instance keeps rescheduling at the same time');
  }

  /** Runs for `ms` from now. */
  runFor(ms: number): void {
    this.runUntil(this.clock.now() + ms);
  }

  /** Which routers are MASTER for an instance name. */
  masters(instance: string): string[] {
    return this.instances.filter((i) => i.machine.name === instance && i.machine.state === 'MASTER' && !this.crashed.has(i.router)).map((i) => i.router);
  }

  /** Which routers currently hold the VIPs of an instance (addVips without a later removeVips). */
  vipHolders(instance: string): string[] {
    const holders = new Set<string>();
    for (const e of this.effects) {
      if (e.instance !== instance) continue;
      if (e.effect.type === 'addVips') holders.add(e.router);
      if (e.effect.type === 'removeVips') holders.delete(e.router);
    }
    return [...holders].filter((r) => !this.crashed.has(r)).sort();
  }

  private nextTime(): number | undefined {
    let best: number | undefined;
    for (const d of this.queue) if (best === undefined || d.at < best) best = d.at;
    for (const i of this.instances) {
      if (this.crashed.has(i.router)) continue;
      const d = i.machine.nextDeadline();
      if (d !== undefined && (best === undefined || d < best)) best = d;
    }
    return best;
  }

  private step(): void {
    const now = this.clock.now();
    // Packets first (in send order), then timers in router/instance order: deterministic.
    const due = this.queue.filter((d) => d.at <= now).sort((a, b) => a.at - b.at || a.seq - b.seq);
    if (due.length > 0) {
      const d = due[0]!;
      this.queue.splice(this.queue.indexOf(d), 1);
      this.receive(d);
      return;
    }
    for (const i of this.instances) {
      if (this.crashed.has(i.router)) continue;
      const dl = i.machine.nextDeadline();
      if (dl !== undefined && dl <= now) {
        this.dispatch(i, { type: 'timerExpired' });
        return;
      }
    }
  }

  private dispatch(i: SimInstance, event: VrrpEvent): void {
    if (this.crashed.has(i.router)) return;
    const now = this.clock.now();
    const states = new Map(this.instances.map((x) => [x, x.machine.state] as const));
    let outputs: Array<{ inst: SimInstance; effects: VrrpEffect[] }>;
    if (i.group) {
      const out = i.group.handle(i.machine.name, event, now);
      outputs = out.effects.map((e) => ({ inst: this.find(i.router, e.instance), effects: e.effects }));
      if (out.groupNotify) this.groupChanges.push({ t: now, router: i.router, group: i.group.name, state: out.groupNotify });
    } else {
      outputs = [{ inst: i, effects: i.machine.handle(event, now) }];
    }
    // Record transitions in the order the effects were produced (event target first, then the
    // members its sync group moved), then any other instance.
    const order = [...new Set([...outputs.map((o) => o.inst), ...this.instances])];
    for (const x of order) {
      const before = states.get(x)!;
      if (x.machine.state !== before) this.transitions.push({ t: now, router: x.router, instance: x.machine.name, from: before, to: x.machine.state });
    }
    for (const o of outputs) for (const e of o.effects) this.apply(o.inst, e);
  }

  private apply(i: SimInstance, effect: VrrpEffect): void {
    const now = this.clock.now();
    this.effects.push({ t: now, router: i.router, instance: i.machine.name, effect });
    if (effect.type !== 'sendAdvert' || this.isolated.has(i.router)) return;
    const spec = i.machine.instanceSpec;
    const dsts = spec.unicastPeers.length > 0 ? spec.unicastPeers : [spec.family === 'ipv4' ? VRRP_MCAST_GROUP4 : VRRP_MCAST_GROUP6];
    for (const dst of dsts) {
      const bytes = encodeAdvert(advertFor(spec, effect.priority), { src: spec.primaryAddress, dst });
      const packet: SimPacket = { t: now, from: i.router, instance: spec.name, src: spec.primaryAddress, dst, vrid: spec.vrid, priority: effect.priority, bytes };
      this.packets.push(packet);
      for (const to of this.instances) {
        if (to.router === i.router || this.isolated.has(to.router) || this.crashed.has(to.router)) continue;
        const ts = to.machine.instanceSpec;
        if (ts.family !== spec.family) continue;
        // Unicast reaches only the addressed router (matched by its primary address).
        if (spec.unicastPeers.length > 0 && ts.primaryAddress !== dst) continue;
        this.queue.push({ at: now + this.latencyMs, seq: this.seq++, packet, to });
      }
    }
  }

  private receive(d: Delivery): void {
    const to = d.to;
    if (this.crashed.has(to.router) || this.isolated.has(to.router)) return;
    // The socket delivers per interface; the instance is found by VRID, as keepalived does.
    if (peekVrid(d.packet.bytes) !== to.machine.instanceSpec.vrid) return;
    if (!to.machine.acceptsAdverts()) return;
    const ctx: DecodeContext = {
      family: to.machine.instanceSpec.family,
      src: d.packet.src,
      dst: d.packet.dst,
      ttl: VRRP_TTL,
      checkAddresses: to.machine.checkAddressesFor(d.packet.src),
      verifyIpv6Checksum: true,
      expected: to.machine.decodeExpectation(),
    };
    const r = decodeAdvert(d.packet.bytes, ctx);
    if (r.ok) this.dispatch(to, { type: 'advertReceived', advert: r.advert });
    else {
      this.drops.push({ t: this.clock.now(), router: to.router, instance: to.machine.name, reason: r.reason });
      this.dispatch(to, { type: 'advertDropped', reason: r.reason });
    }
  }
}
