/**
 * The VRRP instance state machine (RFC 3768 / RFC 5798 with keepalived 2.2.7's behaviour), pure:
 * no sockets, no timers, no clock. The engine owns those and drives it.
 *
 * API (stable):
 *   const m = new VrrpInstanceMachine(spec: VrrpInstanceSpec)
 *   m.handle(event: VrrpEvent, now: number): VrrpEffect[]   // now = monotonic ms (performance.now())
 *   m.nextDeadline(): number | undefined                     // when to deliver { type: 'timerExpired' };
 *                                                            // may be ≤ now (e.g. a priority rise shortened
 *                                                            // the down timer): then it is due at once
 *   m.state: VrrpState                                       // 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT'
 *   m.effectivePriority: number                              // the priority adverts carry
 *   m.decodeExpectation(): DecodeExpectation                 // pass in DecodeContext.expected
 *   m.checkAddressesFor(src: string): boolean                // pass as DecodeContext.checkAddresses
 *   m.acceptsAdverts(): boolean                              // false in INIT/FAULT: keepalived ignores packets then
 *   m.counters: VrrpCounters                                 // keepalivedStats(m.counters) for dumps
 *   m.snapshot(): VrrpInstanceSnapshot                       // for status / JSON dumps
 *
 * Receive path: peekVrid → instance → if acceptsAdverts(): decodeAdvert(payload, ctx) → on ok
 * handle({type:'advertReceived', advert}), else handle({type:'advertDropped', reason}).
 * After every handle(), execute the effects in order and re-arm the timer at nextDeadline().
 * Effects 'sendAdvert' are built with encodeAdvert from spec + the given priority.
 *
 * Deliberate difference from keepalived: keepalived restarts a master's advert timer after ANY
 * packet for the instance, even one it dropped; we restart it only when we actually sent an advert,
 * so a flood of bad packets cannot postpone our adverts.
 */
import { compareIp } from '../packet/ip-address.js';
import { DROP_AFTER_RECEIVED_COUNT } from '../packet/drop-reason.js';
import type { DecodedAdvert, DecodeExpectation } from '../packet/decode.js';
import { VRRP_PRIO_OWNER } from '../packet/constants.js';
import { newCounters, type VrrpCounters } from './counters.js';
import type { VrrpEffect, VrrpEvent, VrrpState } from './events.js';
import { validateSpec, type VrrpInstanceSpec } from './spec.js';
import { masterDownMs, skewMs } from './timers.js';

export interface VrrpInstanceSnapshot {
  name: string;
  state: VrrpState;
  basePriority: number;
  effectivePriority: number;
  advertIntMs: number;
  masterAdvertIntMs: number;
  masterDownMs: number;
  masterAddress: string | undefined;
  masterPriority: number | undefined;
  vipsSet: boolean;
  fault: boolean;
  nextDeadline: number | undefined;
}

export class VrrpInstanceMachine {
  readonly counters: VrrpCounters = newCounters();
  private spec: VrrpInstanceSpec;
  private current: VrrpState = 'INIT';
  private started = false;
  private basePriority: number;
  /** Effective priority from tracking; undefined until tracking reports (then the base priority applies). */
  private trackedPriority: number | undefined;
  private trackingFault = false;
  private syncFault = false;
  private masterAdvertIntMs: number;
  /** keepalived's ms_down_timer: the current backup timeout length. */
  private downTimerMs: number;
  /** keepalived's sands: BACKUP → master-down expiry; MASTER → next advert. */
  private protoDeadline: number | undefined;
  private garpDelayAt: number | undefined;
  private lowerPrioGarpAt: number | undefined;
  private garpRefreshAt: number | undefined;
  /** keepalived's preempt_time: when a lower-priority master may be preempted (preempt_delay). */
  private preemptAt: number | undefined;
  private vipsSet = false;
  private masterAddress: string | undefined;
  private masterPriority: number | undefined;
  private multicastChecksumForUnicast = false;
  /** Sync group gate: may this member become MASTER now? Installed by SyncGroup. */
  private syncGate: (() => boolean) | undefined;
  /** Set when we wanted MASTER but the sync group held us in BACKUP (keepalived's wantstate). */
  wantsMaster = false;

  constructor(spec: VrrpInstanceSpec) {
    validateSpec(spec);
    this.spec = spec;
    this.basePriority = spec.priority;
    this.masterAdvertIntMs = spec.advertIntMs;
    this.downTimerMs = this.computeDown();
  }

  get name(): string {
    return this.spec.name;
  }
  get state(): VrrpState {
    return this.current;
  }
  get effectivePriority(): number {
    if (this.basePriority === VRRP_PRIO_OWNER) return VRRP_PRIO_OWNER;
    return this.trackedPriority ?? this.basePriority;
  }
  /** True when tracking (not the sync group) puts this instance in FAULT. */
  get hasOwnFault(): boolean {
    return this.trackingFault;
  }
  get instanceSpec(): VrrpInstanceSpec {
    return this.spec;
  }

  /** Used by SyncGroup only. */
  setSyncGate(gate: (() => boolean) | undefined): void {
    this.syncGate = gate;
  }

  nextDeadline(): number | undefined {
    let d: number | undefined;
    for (const t of [this.protoDeadline, this.garpDelayAt, this.lowerPrioGarpAt]) {
      if (t !== undefined && (d === undefined || t < d)) d = t;
    }
    return d;
  }

  acceptsAdverts(): boolean {
    return this.current === 'BACKUP' || this.current === 'MASTER';
  }

  decodeExpectation(): DecodeExpectation {
    const s = this.spec;
    return {
      vrid: s.vrid,
      version: s.version,
      addresses: s.vips,
      advertIntMs: s.advertIntMs,
      authType: s.authType,
      ...(s.authPassword !== undefined ? { authPassword: s.authPassword } : {}),
      unicast: s.unicastPeers.length > 0,
      unicastPeers: s.unicastPeers,
      checkUnicastSource: s.checkUnicastSource,
    };
  }

  /**
   * keepalived (vrrp_state_backup) skips the VIP-list check only with skip_check_adv_addr and an
   * advert from the master we already follow; a master always checks.
   */
  checkAddressesFor(src: string): boolean {
    if (!this.spec.skipCheckAdvAddr || this.current !== 'BACKUP' || this.masterAddress === undefined) return true;
    try {
      return compareIp(this.spec.family, src, this.masterAddress) !== 0;
    } catch {
      return true;
    }
  }

  snapshot(): VrrpInstanceSnapshot {
    return {
      name: this.spec.name,
      state: this.current,
      basePriority: this.basePriority,
      effectivePriority: this.effectivePriority,
      advertIntMs: this.spec.advertIntMs,
      masterAdvertIntMs: this.masterAdvertIntMs,
      masterDownMs: this.computeDown(),
      masterAddress: this.masterAddress,
      masterPriority: this.masterPriority,
      vipsSet: this.vipsSet,
      fault: this.trackingFault || this.syncFault,
      nextDeadline: this.nextDeadline(),
    };
  }

  handle(event: VrrpEvent, now: number): VrrpEffect[] {
    const fx: VrrpEffect[] = [];
    switch (event.type) {
      case 'start':
        this.onStart(now, fx);
        break;
      case 'stop':
        this.onStop(fx);
        break;
      case 'advertDropped':
        if (this.acceptsAdverts()) {
          this.counters.drops[event.reason] += 1;
          if (DROP_AFTER_RECEIVED_COUNT.has(event.reason)) this.counters.advertsReceived += 1;
        }
        break;
      case 'advertReceived':
        this.onAdvert(event.advert, now, fx);
        break;
      case 'timerExpired':
        this.onTimer(now, fx);
        break;
      case 'trackingChanged':
        this.onTracking(event.fault, event.priority, now, fx);
        break;
      case 'reload':
        this.onReload(event.spec, now, fx);
        break;
      case 'syncGoMaster':
        if (this.current === 'BACKUP') this.becomeMasterNow(now, fx);
        break;
      case 'syncGoBackup':
        if (this.current === 'MASTER') this.leaveMaster('BACKUP', now, fx);
        break;
      case 'syncGoFault':
        this.syncFault = true;
        if (this.current === 'MASTER' || this.current === 'BACKUP') this.enterFault(now, fx, false);
        break;
      case 'syncFaultCleared':
        this.syncFault = false;
        if (this.current === 'FAULT' && !this.trackingFault && this.started) this.leaveFault(now, fx);
        break;
    }
    return fx;
  }

  // ---- helpers -------------------------------------------------------------------------------

  private isOwner(): boolean {
    return this.basePriority === VRRP_PRIO_OWNER;
  }

  private computeDown(): number {
    return masterDownMs(this.spec.version, this.effectivePriority, this.masterAdvertIntMs, this.spec.downTimerAdverts);
  }

  private send(priority: number, fx: VrrpEffect[]): void {
    this.counters.advertsSent += 1;
    if (priority === 0) this.counters.priorityZeroSent += 1;
    fx.push({ type: 'sendAdvert', priority });
  }

  private setState(to: VrrpState, fx: VrrpEffect[]): void {
    if (this.current === to) return;
    this.current = to;
    fx.push({ type: 'notify', state: to, priority: this.effectivePriority });
  }

  // ---- events --------------------------------------------------------------------------------

  private onStart(now: number, fx: VrrpEffect[]): void {
    if (this.started) return;
    this.started = true;
    this.masterAdvertIntMs = this.spec.advertIntMs;
    if (this.trackingFault || this.syncFault) {
      this.setState('FAULT', fx);
      return;
    }
    // vrrp_init_state: only an address owner configured `state MASTER` goes MASTER at once;
    // everyone else (including `state MASTER` below 255) starts BACKUP and waits master-down.
    if (this.isOwner() && this.spec.startState === 'MASTER') {
      this.current = 'BACKUP';
      this.goMaster(now, fx);
      if (this.current === 'BACKUP') fx.push({ type: 'notify', state: 'BACKUP', priority: this.effectivePriority });
      return;
    }
    this.setState('BACKUP', fx);
    // keepalived's wantstate starts as the configured `state`: a sync group lets a `state MASTER`
    // member go as soon as the others want to, until it hears a master it must follow.
    this.wantsMaster = this.spec.startState === 'MASTER';
    this.downTimerMs = this.computeDown();
    this.protoDeadline = now + this.downTimerMs;
  }

  private onStop(fx: VrrpEffect[]): void {
    if (!this.started) return;
    this.started = false;
    if (this.current === 'MASTER') {
      // restore_vrrp_interfaces: priority 0 first so the backup takes over after skew time only.
      this.send(0, fx);
      if (this.vipsSet) fx.push({ type: 'removeVips' });
      this.vipsSet = false;
    }
    this.current = 'INIT';
    this.protoDeadline = this.garpDelayAt = this.lowerPrioGarpAt = this.garpRefreshAt = this.preemptAt = undefined;
    this.wantsMaster = false;
    fx.push({ type: 'notify', state: 'STOP', priority: this.effectivePriority });
  }

  private onAdvert(a: DecodedAdvert, now: number, fx: VrrpEffect[]): void {
    if (!this.acceptsAdverts()) return;
    this.counters.advertsReceived += 1;
    if (a.priority === 0) this.counters.priorityZeroReceived += 1;
    if (a.checksumAgainstMulticastGroup && !this.multicastChecksumForUnicast) {
      this.multicastChecksumForUnicast = true;
      fx.push({ type: 'useMulticastChecksumForUnicast' });
    }
    if (this.current === 'BACKUP') this.backupRx(a, now);
    else this.masterRx(a, now, fx);
  }

  /** vrrp_state_backup. */
  private backupRx(a: DecodedAdvert, now: number): void {
    const eff = this.effectivePriority;
    const delay = this.spec.preemptDelayMs;
    if (a.priority === 0) {
      // The master is stopping: take over after skew time only.
      this.downTimerMs = skewMs(this.spec.version, eff, this.masterAdvertIntMs);
      this.protoDeadline = now + this.downTimerMs;
      return;
    }
    if (!this.spec.preempt || a.priority >= eff || (delay > 0 && (this.preemptAt === undefined || this.preemptAt > now))) {
      if (this.spec.version === 3) this.masterAdvertIntMs = a.advertIntMs;
      this.downTimerMs = this.computeDown();
      this.masterAddress = a.src;
      this.masterPriority = a.priority;
      if (delay > 0) {
        if (a.priority >= eff) this.preemptAt = undefined;
        else if (this.preemptAt === undefined) this.preemptAt = now + delay;
      }
      this.wantsMaster = false;
      this.protoDeadline = now + this.downTimerMs;
      return;
    }
    // Lower priority, preemption allowed (and any preempt delay over): ignore the advert so the
    // master-down timer runs out and we take over.
    this.masterAddress = a.src;
  }

  /** vrrp_state_master_rx. */
  private masterRx(a: DecodedAdvert, now: number, fx: VrrpEffect[]): void {
    let eff = this.effectivePriority;
    const cmp = compareIp(this.spec.family, a.src, this.spec.primaryAddress);
    const higher = a.priority > eff || (a.priority === eff && cmp > 0);
    if (a.priority === 0 || (this.spec.higherPrioSendAdvert && higher)) {
      this.send(eff, fx);
      if (!this.spec.lowerPrioNoAdvert) this.protoDeadline = now + this.spec.advertIntMs;
      if (a.priority === 0) return;
    }
    if (a.priority === eff && cmp !== 0 && eff === VRRP_PRIO_OWNER) {
      // Two address owners: keepalived reports a config error and steps down to 254.
      this.basePriority = VRRP_PRIO_OWNER - 1;
      this.trackedPriority = undefined;
      eff = this.effectivePriority;
    }
    if (a.priority < eff || (a.priority === eff && cmp < 0)) {
      if (!this.spec.lowerPrioNoAdvert) {
        this.send(eff, fx);
        this.protoDeadline = now + this.spec.advertIntMs;
      }
      if (this.spec.garpLowerPrioRepeat > 0) {
        fx.push({ type: 'sendGarp', repeat: this.spec.garpLowerPrioRepeat, reason: 'lower-prio' });
        if (this.spec.garpLowerPrioDelayMs > 0) this.lowerPrioGarpAt = now + this.spec.garpLowerPrioDelayMs;
      }
      fx.push({ type: 'notifyMasterRxLowerPri', from: a.src, priority: a.priority });
      return;
    }
    if (a.priority > eff || (a.priority === eff && cmp > 0)) {
      if (this.spec.version === 3) this.masterAdvertIntMs = a.advertIntMs;
      this.masterPriority = a.priority;
      this.masterAddress = a.src;
      this.leaveMaster('BACKUP', now, fx);
    }
  }

  private onTimer(now: number, fx: VrrpEffect[]): void {
    if (this.garpDelayAt !== undefined && this.garpDelayAt <= now) {
      this.garpDelayAt = undefined;
      if (this.current === 'MASTER') fx.push({ type: 'sendGarp', repeat: this.spec.garpMasterRepeat, reason: 'master-delay' });
    }
    if (this.lowerPrioGarpAt !== undefined && this.lowerPrioGarpAt <= now) {
      this.lowerPrioGarpAt = undefined;
      if (this.current === 'MASTER') fx.push({ type: 'sendGarp', repeat: this.spec.garpLowerPrioRepeat, reason: 'lower-prio-delay' });
    }
    if (this.protoDeadline !== undefined && this.protoDeadline <= now) {
      if (this.current === 'BACKUP') this.goMaster(now, fx);
      else if (this.current === 'MASTER') this.masterTx(now, fx);
      else this.protoDeadline = undefined;
    }
  }

  private onTracking(fault: boolean, priority: number, now: number, fx: VrrpEffect[]): void {
    if (!this.isOwner()) {
      const clamped = Math.min(VRRP_PRIO_OWNER - 1, Math.max(1, Math.trunc(priority)));
      if (clamped !== this.effectivePriority) {
        this.trackedPriority = clamped;
        // vrrp_set_effective_priority: move a running backup timer by the change in down time.
        const oldDown = this.downTimerMs;
        this.downTimerMs = this.computeDown();
        if (this.current === 'BACKUP' && this.protoDeadline !== undefined) this.protoDeadline += this.downTimerMs - oldDown;
      } else {
        this.trackedPriority = clamped;
      }
    }
    if (fault && !this.trackingFault) {
      this.trackingFault = true;
      if (this.started && this.current !== 'FAULT') this.enterFault(now, fx, true);
    } else if (!fault && this.trackingFault) {
      this.trackingFault = false;
      if (this.started && this.current === 'FAULT' && !this.syncFault) this.leaveFault(now, fx);
    }
  }

  private onReload(spec: VrrpInstanceSpec, now: number, fx: VrrpEffect[]): void {
    validateSpec(spec);
    this.spec = spec;
    this.basePriority = spec.priority;
    this.trackedPriority = undefined;
    if (this.current === 'MASTER') {
      // keepalived reload_master: keep MASTER and advertise immediately.
      this.masterAdvertIntMs = spec.advertIntMs;
      this.send(this.effectivePriority, fx);
      this.protoDeadline = now + spec.advertIntMs;
    } else if (this.current === 'BACKUP') {
      const oldDown = this.downTimerMs;
      this.downTimerMs = this.computeDown();
      if (this.protoDeadline !== undefined) this.protoDeadline += this.downTimerMs - oldDown;
    }
  }

  // ---- transitions ---------------------------------------------------------------------------

  /** vrrp_goto_master / vrrp_state_goto_master, honouring the sync group. */
  private goMaster(now: number, fx: VrrpEffect[]): void {
    this.wantsMaster = true;
    if (this.syncGate && !this.syncGate()) {
      // Held in BACKUP until the whole group can go: re-arm the full down timer
      // (vrrp_sync_can_goto_master resets ms_down_timer and the sands).
      this.downTimerMs = this.computeDown();
      this.protoDeadline = now + this.downTimerMs;
      return;
    }
    this.becomeMasterNow(now, fx);
  }

  private becomeMasterNow(now: number, fx: VrrpEffect[]): void {
    this.wantsMaster = true;
    this.current = 'MASTER';
    this.preemptAt = undefined;
    this.masterTx(now, fx);
  }

  /** vrrp_state_master_tx (+ vrrp_state_become_master on the first advert). */
  private masterTx(now: number, fx: VrrpEffect[]): void {
    // Advert first: the old master must drop the VIPs before our GARPs go out.
    this.send(this.effectivePriority, fx);
    if (!this.vipsSet) {
      this.counters.becomeMaster += 1;
      this.masterAdvertIntMs = this.spec.advertIntMs;
      this.masterAddress = this.spec.primaryAddress;
      this.masterPriority = this.effectivePriority;
      fx.push({ type: 'addVips', blockTraffic: this.spec.strict && !this.spec.accept });
      this.vipsSet = true;
      fx.push({ type: 'sendGarp', repeat: this.spec.garpMasterRepeat, reason: 'become-master' });
      this.garpRefreshAt = this.spec.garpMasterRefreshMs > 0 ? now + this.spec.garpMasterRefreshMs : undefined;
      fx.push({ type: 'notify', state: 'MASTER', priority: this.effectivePriority });
      this.garpDelayAt = this.spec.garpMasterDelayMs > 0 ? now + this.spec.garpMasterDelayMs : undefined;
    } else if (this.garpRefreshAt !== undefined && now > this.garpRefreshAt) {
      fx.push({ type: 'sendGarp', repeat: this.spec.garpMasterRefreshRepeat, reason: 'master-refresh' });
      this.garpRefreshAt = now + this.spec.garpMasterRefreshMs;
    }
    this.protoDeadline = now + this.spec.advertIntMs;
  }

  /**
   * vrrp_state_leave_master. Going to FAULT keepalived tells the backups with a priority-0 advert so
   * they take over after skew time; when the fault is the instance's own (down_instance) it sends a
   * second one from vrrp_restore_interface — recorded on the wire from keepalived 2.2.7.
   */
  private leaveMaster(to: 'BACKUP' | 'FAULT', now: number, fx: VrrpEffect[], ownFault = false): void {
    if (to === 'FAULT') {
      this.send(0, fx);
      if (ownFault) this.send(0, fx);
    }
    if (this.vipsSet) fx.push({ type: 'removeVips' });
    this.vipsSet = false;
    this.garpDelayAt = this.lowerPrioGarpAt = this.garpRefreshAt = undefined;
    this.wantsMaster = false;
    this.current = to;
    fx.push({ type: 'notify', state: to, priority: this.effectivePriority });
    this.counters.releaseMaster += 1;
    if (to === 'BACKUP') {
      this.preemptAt = undefined;
      this.downTimerMs = this.computeDown();
      this.protoDeadline = now + this.downTimerMs;
    } else {
      this.masterAdvertIntMs = this.spec.advertIntMs;
      this.protoDeadline = undefined;
    }
  }

  /** down_instance (own fault) or vrrp_sync_fault (sync group). */
  private enterFault(now: number, fx: VrrpEffect[], ownFault: boolean): void {
    if (this.current === 'MASTER') {
      this.leaveMaster('FAULT', now, fx, ownFault);
      return;
    }
    this.wantsMaster = false;
    this.protoDeadline = undefined;
    this.masterAdvertIntMs = this.spec.advertIntMs;
    this.setState('FAULT', fx);
  }

  /** try_up_instance / vrrp_state_leave_fault. */
  private leaveFault(now: number, fx: VrrpEffect[]): void {
    this.masterAdvertIntMs = this.spec.advertIntMs;
    this.preemptAt = undefined;
    if (this.isOwner() && this.spec.startState === 'MASTER') {
      this.current = 'BACKUP';
      this.downTimerMs = this.computeDown();
      this.goMaster(now, fx);
      if (this.current === 'BACKUP') fx.push({ type: 'notify', state: 'BACKUP', priority: this.effectivePriority });
      return;
    }
    this.wantsMaster = false;
    this.setState('BACKUP', fx);
    this.downTimerMs = this.computeDown();
    this.protoDeadline = now + this.downTimerMs;
    if (this.spec.unicastPeers.length > 0) fx.push({ type: 'announceSourceAddress' });
  }
}
