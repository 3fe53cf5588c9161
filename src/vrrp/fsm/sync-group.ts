// vrrp_sync_group: members move together, as keepalived's vrrp_sync.c does:
//  - a member may only become MASTER when every other member also wants MASTER (prefer BACKUP to
//    avoid thrashing); until then it is held in BACKUP with its down timer re-armed;
//  - one member becoming MASTER takes every other member to MASTER;
//  - one member leaving MASTER for BACKUP takes the other masters to BACKUP;
//  - one member entering FAULT takes the whole group to FAULT, and the group leaves FAULT only
//    when no member has a fault of its own any more.
// Pure, like the instance machine: events in, effects out per member, plus group notifications.
import type { VrrpEffect, VrrpEvent, VrrpState } from './events.js';
import type { VrrpInstanceMachine } from './instance.js';

export class SyncGroupError extends Error {
  override readonly name = 'SyncGroupError';
}

export interface SyncGroupOutput {
  /** Effects per member instance name, in the order they must be executed. */
  effects: Array<{ instance: string; effects: VrrpEffect[] }>;
  /** Group state change to notify (notify scripts of the vrrp_sync_group), if any. */
  groupNotify: VrrpState | undefined;
}

export class SyncGroup {
  private groupState: VrrpState = 'INIT';
  private readonly byName = new Map<string, VrrpInstanceMachine>();

  constructor(
    readonly name: string,
    readonly members: readonly VrrpInstanceMachine[],
  ) {
    // keepalived drops a sync group with fewer than two members (with a warning); the caller
    // (config mapping) must not build one.
    if (members.length < 2) throw new SyncGroupError(`vrrp_sync_group ${name}: needs at least 2 instances, has ${members.length}`);
    for (const m of members) {
      if (this.byName.has(m.name)) throw new SyncGroupError(`vrrp_sync_group ${name}: instance ${m.name} listed twice`);
      this.byName.set(m.name, m);
      m.setSyncGate(() => this.canGoMaster(m));
    }
  }

  get state(): VrrpState {
    return this.groupState;
  }

  /** Earliest deadline over all members (the engine may also track members individually). */
  nextDeadline(): number | undefined {
    let d: number | undefined;
    for (const m of this.members) {
      const t = m.nextDeadline();
      if (t !== undefined && (d === undefined || t < d)) d = t;
    }
    return d;
  }

  private canGoMaster(m: VrrpInstanceMachine): boolean {
    if (this.groupState === 'FAULT') return false;
    if (this.groupState === 'MASTER') return true;
    return this.members.every((o) => o === m || o.state === 'MASTER' || o.wantsMaster);
  }

  /** Delivers `event` to member `instance` and applies the group's rules to the others. */
  handle(instance: string, event: VrrpEvent, now: number): SyncGroupOutput {
    const m = this.byName.get(instance);
    if (!m) throw new SyncGroupError(`vrrp_sync_group ${this.name}: no member ${instance}`);
    const out: SyncGroupOutput = { effects: [], groupNotify: undefined };
    const before = m.state;
    out.effects.push({ instance, effects: m.handle(event, now) });
    const after = m.state;
    this.reconcile(m, before, after, now, out);
    return out;
  }

  private order(target: VrrpInstanceMachine, event: VrrpEvent, now: number, out: SyncGroupOutput): void {
    const fx = target.handle(event, now);
    if (fx.length > 0) out.effects.push({ instance: target.name, effects: fx });
  }

  private setGroup(state: VrrpState, out: SyncGroupOutput): void {
    if (this.groupState === state) return;
    this.groupState = state;
    out.groupNotify = state;
  }

  private reconcile(m: VrrpInstanceMachine, before: VrrpState, after: VrrpState, now: number, out: SyncGroupOutput): void {
    const others = this.members.filter((o) => o !== m);
    if (after === 'FAULT' && before !== 'FAULT') {
      this.setGroup('FAULT', out);
      // The origin is marked too, so it cannot leave FAULT alone while the group is faulty.
      for (const o of this.members) this.order(o, { type: 'syncGoFault' }, now, out);
    } else if (after === 'MASTER' && before !== 'MASTER') {
      this.setGroup('MASTER', out);
      for (const o of others) if (o.state === 'BACKUP') this.order(o, { type: 'syncGoMaster' }, now, out);
    } else if (before === 'MASTER' && after === 'BACKUP') {
      this.setGroup('BACKUP', out);
      for (const o of others) if (o.state === 'MASTER') this.order(o, { type: 'syncGoBackup' }, now, out);
    } else if (after === 'BACKUP' && before === 'INIT' && this.groupState === 'INIT') {
      this.setGroup('BACKUP', out);
    } else if (after === 'INIT' && this.members.every((o) => o.state === 'INIT')) {
      this.groupState = 'INIT';
    }
    if (this.groupState === 'FAULT' && this.members.every((o) => !o.hasOwnFault && o.state !== 'INIT')) {
      this.setGroup('BACKUP', out);
      for (const o of this.members) this.order(o, { type: 'syncFaultCleared' }, now, out);
      const master = this.members.find((o) => o.state === 'MASTER');
      if (master) {
        this.setGroup('MASTER', out);
        for (const o of this.members) if (o !== master && o.state === 'BACKUP') this.order(o, { type: 'syncGoMaster' }, now, out);
      }
    }
  }
}
