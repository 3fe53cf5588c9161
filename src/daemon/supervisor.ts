// The parent's half of keepalived's process model: it starts the VRRP and checker children,
// restarts a child that dies (unless -R/--dont-respawn, as keepalived), and stops them in order.
// VRRP lives in its own process so that checkers, scripts and logging can never delay adverts.
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { ChildRpc } from './child-rpc.js';
import { removePidFile, writePidFile } from './pidfile.js';

export interface ChildSpec {
  /** 'vrrp' or 'checkers': used in logs, process titles and RPC errors. */
  name: string;
  modulePath: string;
  /** Passed to the child as KA_TS_CHILD_OPTIONS (JSON). */
  options: unknown;
  pidFile: string;
}

/** keepalived respawns at once; a child that dies again within this window is delayed so a
 *  crash loop cannot spin the CPU the other child needs. */
const FAST_RESPAWN_WINDOW_MS = 2_000;
const RESPAWN_DELAY_MS = 1_000;

interface Running {
  spec: ChildSpec;
  proc: ChildProcess;
  rpc: ChildRpc;
  startedAt: number;
}

export interface SupervisorEvents {
  'child-started': [name: string, pid: number, restart: boolean];
  'child-exited': [name: string, pid: number, code: number | null, signal: NodeJS.Signals | null, willRestart: boolean];
  'child-event': [name: string, event: string, data: unknown];
}

export class Supervisor extends EventEmitter<SupervisorEvents> {
  private readonly running = new Map<string, Running>();
  private stopping = false;
  /** Children being stopped on purpose (a reload removed their part of the config): no respawn. */
  private readonly retiring = new Set<string>();
  /** Respawns waiting out the crash-loop delay, so stop/retire can cancel them. */
  private readonly respawnTimers = new Map<string, NodeJS.Timeout>();
  readonly restarts = new Map<string, number>();

  constructor(private readonly respawn: boolean) {
    super();
  }

  start(spec: ChildSpec, restart = false): void {
    this.retiring.delete(spec.name);
    const proc = fork(spec.modulePath, [], {
      env: { ...process.env, KA_TS_CHILD_OPTIONS: JSON.stringify(spec.options) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    const pid = proc.pid ?? -1;
    const rpc = new ChildRpc(proc, spec.name);
    const entry: Running = { spec, proc, rpc, startedAt: performance.now() };
    this.running.set(spec.name, entry);
    // No pid when the fork itself failed: the 'error' event below reports it, no pid file.
    if (proc.pid !== undefined) {
      try {
        writePidFile(spec.pidFile, pid);
      } catch (err) {
        this.emit('child-event', spec.name, 'pidfile-error', (err as Error).message);
      }
    }
    rpc.on('event', (event: string, data: unknown) => this.emit('child-event', spec.name, event, data));
    proc.on('exit', (code, signal) => this.onExit(entry, pid, code, signal));
    // A failed fork or a write to a child that just died must not take the parent down.
    proc.on('error', (err) => this.emit('child-event', spec.name, 'process-error', err.message));
    this.emit('child-started', spec.name, pid, restart);
  }

  private onExit(entry: Running, pid: number, code: number | null, signal: NodeJS.Signals | null): void {
    removePidFile(entry.spec.pidFile, pid);
    if (this.running.get(entry.spec.name) === entry) this.running.delete(entry.spec.name);
    const willRestart = this.respawn && !this.stopping && !this.retiring.has(entry.spec.name);
    if (!willRestart) this.retiring.delete(entry.spec.name);
    this.emit('child-exited', entry.spec.name, pid, code, signal, willRestart);
    if (!willRestart) return;
    this.restarts.set(entry.spec.name, (this.restarts.get(entry.spec.name) ?? 0) + 1);
    const lived = performance.now() - entry.startedAt;
    const delay = lived < FAST_RESPAWN_WINDOW_MS ? RESPAWN_DELAY_MS : 0;
    const timer = setTimeout(() => {
      this.respawnTimers.delete(entry.spec.name);
      if (!this.stopping && !this.retiring.has(entry.spec.name) && !this.running.has(entry.spec.name)) this.start(entry.spec, true);
    }, delay);
    this.respawnTimers.set(entry.spec.name, timer);
  }

  rpc(name: string): ChildRpc | undefined {
    return this.running.get(name)?.rpc;
  }

  pid(name: string): number | undefined {
    return this.running.get(name)?.proc.pid;
  }

  names(): string[] {
    return [...this.running.keys()];
  }

  /**
   * Stops the children in the given order: each is asked to shut down cleanly ('stop' request:
   * VRRP sends priority 0 and releases VIPs, checkers clean IPVS), then gets SIGTERM, then
   * SIGKILL if it still has not exited.
   */
  async stop(order: string[], graceMs = 5_000): Promise<void> {
    this.stopping = true;
    for (const t of this.respawnTimers.values()) clearTimeout(t);
    this.respawnTimers.clear();
    for (const name of order) await this.stopOne(name, graceMs);
  }

  /** Stops one child for good while the others keep running (a reload removed its section). */
  async retire(name: string, graceMs = 5_000): Promise<void> {
    this.retiring.add(name);
    clearTimeout(this.respawnTimers.get(name));
    this.respawnTimers.delete(name);
    await this.stopOne(name, graceMs);
  }

  private async stopOne(name: string, graceMs: number): Promise<void> {
    const entry = this.running.get(name);
    if (!entry) return;
    const exited = new Promise<void>((resolve) => {
      if (entry.proc.exitCode !== null || entry.proc.signalCode !== null) resolve();
      else entry.proc.once('exit', () => resolve());
    });
    try {
      await entry.rpc.request('stop', {}, graceMs);
    } catch {
      // it may already be gone or stuck: the signals below settle it
    }
    entry.proc.kill('SIGTERM');
    const timer = setTimeout(() => entry.proc.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
