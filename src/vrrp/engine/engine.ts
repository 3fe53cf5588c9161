// The VRRP runtime of one process: binds the pure state machines (src/vrrp/fsm) to real I/O
// through the ports (sockets, addresses, announcements, links, notify), with monotonic timers.
//
//   const engine = new VrrpEngine(config, deps);
//   await engine.start();                 // opens sockets, removes stale VIPs, starts every instance
//   engine.setScriptResult('chk', false); // one track_script run's result (rise/fall applied here)
//   await engine.reload(newConfig);       // unchanged instances keep state and timers untouched
//   engine.status(); engine.counters();   // snapshots for dumps / metrics
//   await engine.stop({ keepVips });      // priority-0 advert from masters, VIPs released unless kept
//
// Every event for an instance goes through `deliver`: to the instance's sync group when it has
// one (members move together), else to its machine; the effects are executed at once and the
// instance's next deadline re-armed on the single DeadlineScheduler.
import { VrrpInstanceMachine } from '../fsm/instance.js';
import { SyncGroup } from '../fsm/sync-group.js';
import { keepalivedStats, type VrrpCounters } from '../fsm/counters.js';
import type { VrrpEffect, VrrpEvent, VrrpState } from '../fsm/events.js';
import type { VrrpInstanceSnapshot } from '../fsm/instance.js';
import { AddressBatcher, type BatchCounters } from './address-batcher.js';
import { ChannelPool, type ChannelKeyParts, type ChannelPoolCounters } from './channel-pool.js';
import { DeadlineScheduler } from './deadline-scheduler.js';
import type { EngineConfig, EngineInstanceSpec, EngineSyncGroup } from './engine-spec.js';
import { InstanceRuntime, type RuntimeCounters } from './instance-runtime.js';
import { SpawnNotifySink, type NotifyEvent, type NotifySink } from './notify-sink.js';
import type { AddressPort, AddressTransaction, AnnouncePort, InterfaceFacts, LinkPort, TrafficBlockPort, VipEntry, VrrpChannel, VrrpTransport } from './ports.js';
import { resetCounters } from '../fsm/counters.js';
import { evaluateTracking, ScriptState } from './tracking-state.js';
import { heldVipKey, isEmptyChange, reloadAddressDiff } from './reload-address-diff.js';
import { TrackFileWatcher } from './track-file-watcher.js';
import { ProcessWatcher, type ProcessTrackStatus } from './process-watcher.js';
import { AnnouncePacer } from './announce-pacer.js';
import { realSetTimer } from '../timer.js';
import type { ScriptStatus } from '../tracking/script-state.js';

export type EngineLog = (level: 'info' | 'warn' | 'error' | 'debug', msg: string, data?: Record<string, unknown>) => void;

export interface EngineDeps {
  transport: VrrpTransport;
  addresses: AddressPort;
  announce: AnnouncePort;
  link: LinkPort;
  /** vrrp_strict without accept: firewall drops for the VIPs while MASTER. */
  blocker?: TrafficBlockPort;
  notify?: NotifySink;
  log?: EngineLog;
  /** Monotonic ms; performance.now() unless a test injects its own. */
  clock?: () => number;
}

export class EngineStateError extends Error {
  override readonly name = 'EngineStateError';
}

export interface InstanceStatus extends VrrpInstanceSnapshot {
  interface: string;
  vrid: number;
  family: string;
  version: number;
  /** Wall-clock time of the last state change (ms since the epoch), for humans and dumps. */
  lastTransitionAt: number | undefined;
  faultReasons: string[];
  counters: VrrpCounters;
  runtime: RuntimeCounters;
}

export interface EngineStatus {
  instances: InstanceStatus[];
  syncGroups: Array<{ name: string; state: VrrpState; members: string[] }>;
  scripts: Array<{ name: string; status: ScriptStatus; results: number }>;
  files: Array<{ name: string; value: number }>;
  processes: ProcessTrackStatus[];
  /** Configured instances that could not be started, with the reason. */
  notRunning: Array<{ name: string; reason: string }>;
}

export interface EngineCounters {
  instances: Record<string, Record<string, number>>;
  channels: ChannelPoolCounters;
  addressBatches: BatchCounters;
  unknownScriptResults: number;
  openChannels: number;
  /** Times the process events socket overflowed and /proc was rescanned (track_process). */
  processEventOverruns: number;
}

interface GroupEntry {
  spec: EngineSyncGroup;
  group: SyncGroup;
}

const intervalsOf = (c: EngineConfig): { garpMs: number; gnaMs: number } => ({ garpMs: c.garpIntervalMs ?? 0, gnaMs: c.gnaIntervalMs ?? 0 });

const identity = (s: EngineInstanceSpec): string =>
  JSON.stringify([s.interface, s.vrrp.vrid, s.vrrp.family, s.vrrp.unicastPeers.length > 0, s.vrrp.primaryAddress]);

export class VrrpEngine {
  private readonly runtimes = new Map<string, InstanceRuntime>();
  private readonly channelKeys = new Map<string, ChannelKeyParts>();
  private readonly groups = new Map<string, GroupEntry>();
  private readonly groupOf = new Map<string, string>();
  private readonly scripts = new Map<string, ScriptState>();
  private readonly files: TrackFileWatcher;
  private readonly processes: ProcessWatcher;
  private readonly announcer: AnnouncePacer;
  private readonly links = new Map<string, boolean>();
  private readonly verdicts = new Map<string, { key: string; reasons: string[] }>();
  private readonly scheduler: DeadlineScheduler<string>;
  private readonly pool: ChannelPool;
  private readonly batcher: AddressBatcher;
  private readonly notifySink: NotifySink;
  private readonly log: EngineLog;
  private readonly clock: () => number;
  private stopWatch: (() => void) | undefined;
  private keepVipsOnStop = false;
  private phase: 'new' | 'running' | 'stopped' = 'new';
  private ops: Promise<void> = Promise.resolve();
  private startRequested = false;
  private stopRequested = false;
  private unknownScriptResults = 0;
  private readonly notRunning = new Map<string, string>();
  /**
   * Instances whose interface does not exist (yet): kept as runtimes held in FAULT without a
   * socket, so they count in their sync group and show in status; value = the configured spec
   * (before the primary address is filled in from the interface).
   */
  private readonly placeholders = new Map<string, EngineInstanceSpec>();

  constructor(private config: EngineConfig, private readonly deps: EngineDeps) {
    this.log = deps.log ?? (() => {});
    this.clock = deps.clock ?? (() => performance.now());
    this.notifySink = deps.notify ?? new SpawnNotifySink((script, err) => this.log('warn', `notify script ${script}: ${err.message}`));
    this.scheduler = new DeadlineScheduler<string>((name, now) => {
      const rt = this.runtimes.get(name);
      if (rt) this.deliver(rt, { type: 'timerExpired' }, now);
    }, this.clock);
    this.pool = new ChannelPool(deps.transport, (key, err) => this.log('error', `VRRP socket ${key}: ${err.message}`, { channel: key }));
    this.files = new TrackFileWatcher(config.files ?? [], (name, value) => this.onFileValue(name, value), (msg) => this.log('warn', msg));
    this.announcer = new AnnouncePacer(deps.announce, intervalsOf(config), { now: this.clock, set: realSetTimer });
    this.processes = new ProcessWatcher(config.processes ?? [], (name) => this.onProcessQuorum(name), (level, msg) => this.log(level, msg));
    // keepalived -V: on shutdown nothing is removed; every other change passes through unchanged.
    const keep = (): boolean => this.keepVipsOnStop && this.phase === 'stopped';
    const port = deps.addresses;
    const transact = port.transact?.bind(port);
    this.batcher = new AddressBatcher(
      {
        apply: (add, del) => port.apply(add, keep() ? [] : del),
        ...(transact ? {
          transact: (tx: AddressTransaction) => transact(keep() ? { addAddresses: tx.addAddresses ?? [], addRoutes: tx.addRoutes ?? [], addRules: tx.addRules ?? [] } : tx),
        } : {}),
      },
      (err) => this.log('error', `address change failed: ${err.message}`),
    );
  }

  /**
   * start, reload and stop run one after another (each awaits interface facts or the address
   * batcher); without this two overlapping reloads could apply in the wrong order and a stop could
   * let a reload carry on opening sockets on a stopped engine.
   */
  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.ops.then(op);
    this.ops = run.then(() => undefined, () => undefined);
    return run;
  }

  /** True once stop() was called, even while it waits for an earlier operation to finish. */
  private get stopping(): boolean {
    return this.stopRequested || this.phase !== 'running';
  }

  start(): Promise<void> {
    if (this.phase !== 'new' || this.startRequested) return Promise.reject(new EngineStateError(`cannot start an engine that is ${this.phase}`));
    this.startRequested = true;
    return this.serial(() => this.doStart());
  }

  private async doStart(): Promise<void> {
    if (this.stopRequested) return;
    this.phase = 'running';
    this.stopWatch = this.deps.link.watch((ifname, up) => this.onLink(ifname, up));
    this.syncScripts();
    this.files.start();
    this.startProcesses();
    const facts = await this.gatherFacts(this.config.instances);
    if (this.stopping) return;
    // Stale VIPs (a previous run killed hard, a hand-added address) must not stay on a backup:
    // drop them all now; instances that become MASTER at once re-add theirs in the same batch.
    // (Only on interfaces that exist: there is nothing to clean on a missing one.)
    const present = this.config.instances.filter((s) => facts.get(s.interface) !== undefined);
    this.batcher.change({
      delVips: present.flatMap((s) => [...s.vips, ...s.excludedVips].filter((v) => facts.get(v.dev) !== undefined)),
      delRoutes: present.flatMap((s) => s.routes ?? []),
      delRules: present.flatMap((s) => s.rules ?? []),
    });
    for (const spec of this.config.instances) this.tryCreateRuntime(spec, facts.get(spec.interface));
    this.buildGroups();
    const now = this.clock();
    for (const rt of this.runtimes.values()) this.retrack(rt, now, true);
    for (const rt of this.runtimes.values()) this.deliver(rt, { type: 'start' }, this.clock());
    await this.batcher.flush();
  }

  /** Graceful stop: masters send priority 0; VIPs are released unless `keepVips` (keepalived -V). */
  stop(opts: { keepVips?: boolean } = {}): Promise<void> {
    if (this.stopRequested) return this.ops;
    this.stopRequested = true;
    return this.serial(() => this.doStop(opts));
  }

  private async doStop(opts: { keepVips?: boolean }): Promise<void> {
    if (this.phase !== 'running') { this.phase = 'stopped'; return; }
    this.keepVipsOnStop = opts.keepVips === true;
    for (const rt of this.runtimes.values()) this.deliver(rt, { type: 'stop' }, this.clock());
    this.phase = 'stopped';
    this.scheduler.clear();
    this.stopWatch?.();
    this.files.stop();
    this.processes.stop();
    await this.batcher.flush();
    this.announcer.clear();
    await this.deps.blocker?.close();
    this.pool.closeAll();
  }

  /** keepalived's STATS_CLEAR (SIGRTMAX-1): every instance's VRRP counters back to zero. */
  clearCounters(): void {
    for (const rt of this.runtimes.values()) resetCounters(rt.machine.counters);
  }

  /** One track_script run's result; rise/fall decide when the script's state flips. */
  setScriptResult(name: string, ok: boolean): void {
    const s = this.scripts.get(name);
    if (!s) { this.unknownScriptResults += 1; return; }
    if (!s.push(ok) || this.phase !== 'running') return;
    this.log('info', `track_script ${name} is now ${s.state.status}`, { script: name, status: s.state.status });
    const now = this.clock();
    for (const rt of this.runtimes.values()) if (rt.spec.trackScripts.some((t) => t.name === name)) this.retrack(rt, now);
  }

  /**
   * Applies a new configuration. Instances whose spec is unchanged are not touched at all (no
   * event, no advert, timers as they were); changed ones get the machine's reload (a MASTER stays
   * MASTER); instances whose identity changed (interface, VRID, family, cast mode, source) are
   * stopped and started anew, as are added/removed ones.
   */
  reload(config: EngineConfig): Promise<void> {
    if (this.stopRequested || (this.phase !== 'running' && !this.startRequested)) {
      return Promise.reject(new EngineStateError(`cannot reload an engine that is ${this.stopRequested ? 'stopped' : this.phase}`));
    }
    return this.serial(() => this.doReload(config));
  }

  private async doReload(config: EngineConfig): Promise<void> {
    // A stop() called after this reload was queued wins: nothing more is opened or started.
    if (this.stopping) return;
    const facts = await this.gatherFacts(config.instances);
    if (this.stopping) return;
    const old = this.config;
    this.config = config;
    this.syncScripts();
    if (JSON.stringify(old.files ?? []) !== JSON.stringify(config.files ?? [])) this.files.replace(config.files ?? []);
    this.announcer.setIntervals(intervalsOf(config));
    const processesChanged = JSON.stringify(old.processes ?? []) !== JSON.stringify(config.processes ?? []);
    if (processesChanged) this.startProcesses(config);
    const next = new Map(config.instances.map((s) => [s.vrrp.name, s]));
    for (const name of [...this.notRunning.keys()]) if (!next.has(name)) this.notRunning.delete(name);
    const now = this.clock();
    this.dropGroups();
    for (const [name, rt] of [...this.runtimes]) {
      const spec = next.get(name);
      const fresh = spec ? this.withPrimary(spec, facts.get(spec.interface)) : undefined;
      if (!fresh || identity(fresh) !== identity(rt.spec)) this.removeRuntime(rt, now);
    }
    const started: InstanceRuntime[] = [];
    for (const spec of config.instances) {
      const rt = this.runtimes.get(spec.vrrp.name);
      const fresh = this.withPrimary(spec, facts.get(spec.interface));
      if (!rt) {
        const created = this.tryCreateRuntime(spec, facts.get(spec.interface));
        if (created) started.push(created);
        continue;
      }
      if (JSON.stringify(fresh) === JSON.stringify(rt.spec)) continue;
      const oldSpec = rt.spec;
      const wasMaster = rt.state === 'MASTER';
      rt.spec = fresh;
      this.deliver(rt, { type: 'reload', spec: fresh.vrrp }, now);
      this.applyReloadAddresses(rt, oldSpec, wasMaster && rt.state === 'MASTER');
      this.retrack(rt, now);
    }
    for (const spec of config.instances) if (this.placeholders.has(spec.vrrp.name)) this.placeholders.set(spec.vrrp.name, spec);
    this.buildGroups();
    for (const rt of started) this.retrack(rt, now, true);
    // Counted afresh: a quorum that no longer holds reports no change of its own (it starts lost).
    if (processesChanged) for (const rt of this.runtimes.values()) if (!started.includes(rt) && (rt.spec.trackProcesses ?? []).length > 0) this.retrack(rt, now);
    for (const rt of started) this.deliver(rt, { type: 'start' }, this.clock());
    for (const rt of [...this.runtimes.values()]) {
      const f = facts.get(rt.spec.interface);
      if (f && this.placeholders.has(rt.name) && !started.includes(rt)) this.attachPlaceholder(rt, f, this.clock());
    }
    await this.batcher.flush();
  }

  status(): EngineStatus {
    const instances = [...this.runtimes.values()].map((rt): InstanceStatus => ({
      ...rt.machine.snapshot(),
      interface: rt.spec.interface,
      vrid: rt.vrrp.vrid,
      family: rt.vrrp.family,
      version: rt.vrrp.version,
      lastTransitionAt: rt.lastTransitionWallMs,
      faultReasons: this.verdicts.get(rt.name)?.reasons ?? [],
      counters: structuredClone(rt.machine.counters),
      runtime: { ...rt.counters },
    }));
    return {
      instances,
      syncGroups: [...this.groups.values()].map((g) => ({ name: g.spec.name, state: g.group.state, members: [...g.spec.members] })),
      scripts: [...this.scripts.values()].map((s) => ({ name: s.def.name, status: s.state.status, results: s.results })),
      files: (this.config.files ?? []).map((f) => ({ name: f.name, value: this.files.value(f.name) })),
      processes: this.processes.status(),
      notRunning: [...this.notRunning].map(([name, reason]) => ({ name, reason })),
    };
  }

  counters(): EngineCounters {
    const instances: Record<string, Record<string, number>> = {};
    for (const rt of this.runtimes.values()) {
      instances[rt.name] = { ...keepalivedStats(rt.machine.counters), send_errors: rt.counters.sendErrors, announce_bursts: rt.counters.announceBursts };
    }
    return {
      instances,
      channels: { ...this.pool.counters },
      addressBatches: { ...this.batcher.counters },
      unknownScriptResults: this.unknownScriptResults,
      openChannels: this.pool.size,
      processEventOverruns: this.processes.overruns,
    };
  }

  // ---- internals -----------------------------------------------------------------------------

  private async gatherFacts(specs: EngineInstanceSpec[]): Promise<Map<string, InterfaceFacts | undefined>> {
    const names = new Set<string>();
    for (const s of specs) { names.add(s.interface); for (const t of s.trackInterfaces) names.add(t.ifname); }
    const out = new Map<string, InterfaceFacts | undefined>();
    for (const n of names) {
      const f = await this.deps.link.facts(n);
      if (!f) this.log('warn', `interface ${n} does not exist: instances on it or tracking it stay in FAULT until it appears`, { interface: n });
      out.set(n, f);
      this.links.set(n, f?.up ?? false);
    }
    return out;
  }

  /** Fills the machine's primary address from the interface when the mapping left it empty. */
  private withPrimary(spec: EngineInstanceSpec, facts: InterfaceFacts | undefined): EngineInstanceSpec {
    if (spec.vrrp.primaryAddress) return spec;
    const fromIf = spec.vrrp.family === 'ipv4' ? facts?.ipv4 : facts?.ipv6LinkLocal;
    // Without an address the instance cannot send; it runs in FAULT (interface missing or bare) and
    // the unspecified address keeps the tie-break well defined.
    const primaryAddress = fromIf ?? (spec.vrrp.family === 'ipv4' ? '0.0.0.0' : '::');
    return { ...spec, vrrp: { ...spec.vrrp, primaryAddress } };
  }

  /**
   * An instance whose socket cannot be opened (interface missing, no permission) is not run; it is
   * listed in status().notRunning with the reason, and the other instances carry on.
   */
  private tryCreateRuntime(spec: EngineInstanceSpec, facts: InterfaceFacts | undefined): InstanceRuntime | undefined {
    if (!facts) return this.createPlaceholder(spec);
    try {
      const rt = this.createRuntime(spec, facts);
      this.notRunning.delete(spec.vrrp.name);
      return rt;
    } catch (err) {
      this.notRunning.set(spec.vrrp.name, (err as Error).message);
      this.log('error', `vrrp_instance ${spec.vrrp.name} not started: ${(err as Error).message}`, { instance: spec.vrrp.name });
      return undefined;
    }
  }

  /**
   * The instance's interface is missing: no socket can be opened, but the instance must not vanish
   * (its sync group would dissolve and the partner go MASTER alone, and exporters would show
   * nothing). It runs in FAULT with a channel that cannot send until the interface appears.
   */
  private createPlaceholder(specIn: EngineInstanceSpec): InstanceRuntime | undefined {
    const spec = this.withPrimary(specIn, undefined);
    let machine: VrrpInstanceMachine;
    try {
      machine = new VrrpInstanceMachine(spec.vrrp);
    } catch (err) {
      this.notRunning.set(spec.vrrp.name, (err as Error).message);
      this.log('error', `vrrp_instance ${spec.vrrp.name} not started: ${(err as Error).message}`, { instance: spec.vrrp.name });
      return undefined;
    }
    const rt = new InstanceRuntime(spec, machine, noSocketChannel(spec.interface), this.runtimeDeps());
    this.runtimes.set(spec.vrrp.name, rt);
    this.placeholders.set(spec.vrrp.name, specIn);
    this.notRunning.delete(spec.vrrp.name);
    this.log('error', `vrrp_instance ${spec.vrrp.name}: ${missingReason(spec.interface)}; held in FAULT until the interface appears`, { instance: spec.vrrp.name, interface: spec.interface });
    return rt;
  }

  /** Opens the socket of a placeholder whose interface now exists; it then leaves FAULT normally. */
  private attachPlaceholder(rt: InstanceRuntime, facts: InterfaceFacts, now: number): void {
    const configured = this.placeholders.get(rt.name);
    if (!configured || this.runtimes.get(rt.name) !== rt) return;
    const spec = this.withPrimary(configured, facts);
    const key = channelKeyOf(spec);
    try {
      rt.channel = this.pool.attach(key, spec.vrrp.vrid, (p) => rt.onPacket(p, this.clock()));
    } catch (err) {
      this.log('error', `vrrp_instance ${rt.name}: interface ${spec.interface} appeared but its socket cannot open: ${(err as Error).message}`, { instance: rt.name });
      return;
    }
    this.channelKeys.set(rt.name, key);
    this.placeholders.delete(rt.name);
    this.log('info', `vrrp_instance ${rt.name}: interface ${spec.interface} appeared, socket open`, { instance: rt.name, interface: spec.interface });
    if (JSON.stringify(spec) !== JSON.stringify(rt.spec)) {
      rt.spec = spec;
      this.deliver(rt, { type: 'reload', spec: spec.vrrp }, now);
    }
    this.retrack(rt, now);
  }

  /** A link event for an interface placeholders wait for: look it up and attach them if it exists. */
  private async attachPlaceholdersOn(ifname: string): Promise<void> {
    if (this.stopping) return;
    const facts = await this.deps.link.facts(ifname);
    if (this.stopping || !facts) return;
    this.links.set(ifname, facts.up);
    const now = this.clock();
    for (const rt of [...this.runtimes.values()]) if (rt.spec.interface === ifname && this.placeholders.has(rt.name)) this.attachPlaceholder(rt, facts, now);
  }

  private runtimeDeps() {
    return {
      batcher: this.batcher,
      announce: this.announcer,
      ...(this.deps.blocker ? { blocker: this.deps.blocker } : {}),
      notify: { notify: (ev: NotifyEvent) => { if (this.phase !== 'new') this.notifySink.notify(ev); } },
      log: this.log,
      deliver: (r: InstanceRuntime, ev: VrrpEvent, now: number) => this.deliver(r, ev, now),
    };
  }

  private createRuntime(specIn: EngineInstanceSpec, facts: InterfaceFacts | undefined): InstanceRuntime {
    const spec = this.withPrimary(specIn, facts);
    const machine = new VrrpInstanceMachine(spec.vrrp);
    const key = channelKeyOf(spec);
    let rt: InstanceRuntime | undefined;
    const channel = this.pool.attach(key, spec.vrrp.vrid, (p) => rt?.onPacket(p, this.clock()));
    rt = new InstanceRuntime(spec, machine, channel, this.runtimeDeps());
    this.runtimes.set(spec.vrrp.name, rt);
    this.channelKeys.set(spec.vrrp.name, key);
    return rt;
  }

  private removeRuntime(rt: InstanceRuntime, now: number): void {
    this.deliver(rt, { type: 'stop' }, now);
    this.scheduler.delete(rt.name);
    const key = this.channelKeys.get(rt.name);
    if (key) this.pool.detach(key, rt.vrrp.vrid);
    this.runtimes.delete(rt.name);
    this.channelKeys.delete(rt.name);
    this.placeholders.delete(rt.name);
    this.verdicts.delete(rt.name);
  }

  /**
   * keepalived's reload on a MASTER adds the new addresses and deletes the dropped ones (one batch,
   * GARP/NA for the added); on any other state only deletes the dropped ones, so nothing the new
   * config does not name stays on the interface. VIPs another MASTER here still holds are kept.
   */
  private applyReloadAddresses(rt: InstanceRuntime, oldSpec: EngineInstanceSpec, master: boolean): void {
    const heldElsewhere = new Set<string>();
    for (const o of this.runtimes.values()) {
      if (o !== rt && o.state === 'MASTER') for (const v of [...o.spec.vips, ...o.spec.excludedVips]) heldElsewhere.add(heldVipKey(v));
    }
    const diff = reloadAddressDiff(oldSpec, rt.spec, master, heldElsewhere);
    if (isEmptyChange(diff.change)) return;
    this.log('info', `${rt.name}: reload changes virtual addresses`, { instance: rt.name, master, announce: diff.announce });
    this.batcher.change(diff.change);
    rt.announceAfterBatch(diff.announce, rt.vrrp.garpMasterRepeat);
  }

  private syncScripts(): void {
    const defs = new Map(this.config.scripts.map((s) => [s.name, s]));
    for (const name of [...this.scripts.keys()]) if (!defs.has(name)) this.scripts.delete(name);
    for (const [name, def] of defs) {
      const s = this.scripts.get(name);
      // A changed definition (rise/fall/init_fail) starts a fresh rise/fall count, as keepalived does on reload.
      if (!s || JSON.stringify(s.def) !== JSON.stringify(def)) this.scripts.set(name, new ScriptState(def));
    }
  }

  private buildGroups(): void {
    for (const g of this.config.syncGroups) {
      const members = g.members.map((m) => this.runtimes.get(m)?.machine).filter((m): m is VrrpInstanceMachine => m !== undefined);
      if (members.length < 2) {
        this.log('warn', `vrrp_sync_group ${g.name}: fewer than two running members, ignored (as keepalived does)`, { group: g.name });
        continue;
      }
      this.groups.set(g.name, { spec: g, group: new SyncGroup(g.name, members) });
      for (const m of g.members) this.groupOf.set(m, g.name);
    }
  }

  private dropGroups(): void {
    for (const g of this.groups.values()) for (const m of g.group.members) m.setSyncGate(undefined);
    this.groups.clear();
    this.groupOf.clear();
  }

  private onFileValue(name: string, value: number): void {
    if (this.phase !== 'running') return;
    this.log('info', `track_file ${name} now reads ${value}`, { file: name, value });
    const now = this.clock();
    for (const rt of this.runtimes.values()) if ((rt.spec.trackFiles ?? []).some((f) => f.name === name)) this.retrack(rt, now);
  }

  /** A failure to read /proc must not stop the engine: the processes then count as absent. */
  private startProcesses(config: EngineConfig = this.config): void {
    try {
      this.processes.replace(config.processes ?? []);
    } catch (err) {
      this.log('error', `track_process: cannot read /proc: ${(err as Error).message}`);
    }
  }

  private onProcessQuorum(name: string): void {
    if (this.phase !== 'running') return;
    const now = this.clock();
    for (const rt of this.runtimes.values()) if ((rt.spec.trackProcesses ?? []).some((p) => p.name === name)) this.retrack(rt, now);
  }

  private onLink(ifname: string, up: boolean): void {
    if (this.phase !== 'running') return;
    // Any event for an interface an instance waits for may mean it now exists (created, renamed).
    if ([...this.runtimes.values()].some((r) => r.spec.interface === ifname && this.placeholders.has(r.name))) {
      this.serial(() => this.attachPlaceholdersOn(ifname)).catch((err: Error) => this.log('error', `interface ${ifname}: ${err.message}`));
    }
    if (this.links.get(ifname) === up) return;
    this.links.set(ifname, up);
    this.log('info', `interface ${ifname} is ${up ? 'up' : 'down'}`, { interface: ifname, up });
    const now = this.clock();
    for (const rt of this.runtimes.values()) {
      if (rt.spec.interface === ifname || rt.spec.trackInterfaces.some((t) => t.ifname === ifname)) this.retrack(rt, now);
    }
  }

  /** Re-evaluates tracking and tells the machine when the verdict changed (or always, with `force`). */
  private retrack(rt: InstanceRuntime, now: number, force = false): void {
    const v = evaluateTracking(rt.spec, (n) => this.links.get(n) ?? false, (n) => this.scripts.get(n), (n) => this.files.value(n), (n) => this.processes.hasQuorum(n));
    // Without a socket the instance stays in FAULT whatever the link says.
    if (this.placeholders.has(rt.name)) { v.fault = true; v.faultReasons.unshift(missingReason(rt.spec.interface)); }
    const key = `${v.fault}/${v.priority}`;
    const prev = this.verdicts.get(rt.name);
    this.verdicts.set(rt.name, { key, reasons: v.faultReasons });
    if (!force && prev?.key === key) return;
    if (v.fault) this.log('warn', `${rt.name}: FAULT (${v.faultReasons.join(', ')})`, { instance: rt.name });
    this.deliver(rt, { type: 'trackingChanged', fault: v.fault, priority: v.priority }, now);
  }

  private deliver(rt: InstanceRuntime, ev: VrrpEvent, now: number): void {
    const groupName = this.groupOf.get(rt.name);
    const entry = groupName ? this.groups.get(groupName) : undefined;
    if (!entry) {
      const before = rt.state;
      this.run(rt, () => rt.machine.handle(ev, now));
      if (rt.state !== before) rt.noteTransition(now);
      this.scheduler.set(rt.name, rt.machine.nextDeadline());
      return;
    }
    const members = entry.spec.members.map((m) => this.runtimes.get(m)).filter((r): r is InstanceRuntime => r !== undefined);
    const before = new Map(members.map((m) => [m.name, m.state]));
    let groupNotify: VrrpState | undefined;
    try {
      const out = entry.group.handle(rt.name, ev, now);
      groupNotify = out.groupNotify;
      for (const { instance, effects } of out.effects) {
        const target = this.runtimes.get(instance);
        if (target) this.run(target, () => effects);
      }
    } catch (err) {
      this.log('error', `vrrp_sync_group ${entry.spec.name}: ${ev.type} for ${rt.name} failed: ${(err as Error).message}`);
    }
    for (const m of members) {
      if (m.state !== before.get(m.name)) m.noteTransition(now);
      this.scheduler.set(m.name, m.machine.nextDeadline());
    }
    if (groupNotify && groupNotify !== 'INIT' && this.phase !== 'new') {
      const ev = { kind: 'GROUP' as const, name: entry.spec.name, state: groupNotify, priority: 0, scripts: entry.spec.notify };
      this.batcher.thenRun(() => this.notifySink.notify(ev));
    }
  }

  /** Executes effects one by one; one failing effect is logged and does not stop the others. */
  private run(rt: InstanceRuntime, produce: () => VrrpEffect[]): void {
    let effects: VrrpEffect[];
    try {
      effects = produce();
    } catch (err) {
      this.log('error', `${rt.name}: state machine error: ${(err as Error).message}`, { instance: rt.name });
      return;
    }
    for (const e of effects) {
      if (e.type === 'notify' && e.state === 'INIT') continue;
      try {
        rt.execute(e);
      } catch (err) {
        this.log('error', `${rt.name}: effect ${e.type} failed: ${(err as Error).message}`, { instance: rt.name });
      }
    }
  }
}

const missingReason = (ifname: string): string => `interface ${ifname} missing: no socket`;

function channelKeyOf(spec: EngineInstanceSpec): ChannelKeyParts {
  return {
    ifname: spec.interface, family: spec.vrrp.family, multicast: spec.vrrp.unicastPeers.length === 0,
    ...(spec.vrrp.unicastPeers.length > 0 ? { sourceAddress: spec.vrrp.primaryAddress } : {}),
  };
}

/** The channel of an instance whose interface is missing: every send fails (and is counted). */
function noSocketChannel(ifname: string): VrrpChannel {
  return {
    send: () => { throw new EngineStateError(missingReason(ifname)); },
    close: () => {},
  };
}

export type { VipEntry };
