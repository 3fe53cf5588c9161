// Link monitor: follows `ip -o monitor link` (netlink RTMGRP_LINK through iproute2) and reports
// each interface's running state when it changes.
//
// Why a monitor child and not polling /sys/class/net/*/operstate: netlink events arrive within
// milliseconds of the change (link down → FAULT is on the failover path), cost nothing while idle,
// and work the same inside a network namespace; polling trades latency against CPU. Robustness:
// if the child dies it is restarted after a short delay, and every (re)start re-reads the full
// state with `ip -j addr`, so a change that happened while no monitor ran is still reported.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { allInterfaceFacts, ipArgs, isRunning } from './interface-facts.js';

export interface LinkEvent {
  ifname: string;
  ifindex: number;
  up: boolean;
  deleted: boolean;
}

/** Parses one `ip -o monitor link` line (pure; exported for tests). */
export function parseMonitorLine(line: string): LinkEvent | undefined {
  const m = /^(Deleted )?(\d+): ([^:@\s]+)(?:@[^:\s]*)?: <([^>]*)>/.exec(line);
  if (!m) return undefined;
  const deleted = m[1] !== undefined;
  const flags = m[4]!.split(',');
  return { ifname: m[3]!, ifindex: Number(m[2]), up: !deleted && isRunning(flags), deleted };
}

export interface LinkMonitorCounters {
  events: number;
  restarts: number;
  unparsedLines: number;
}

export class LinkMonitor {
  readonly counters: LinkMonitorCounters = { events: 0, restarts: 0, unparsedLines: 0 };
  private readonly state = new Map<string, boolean>();
  private child: ChildProcess | undefined;
  private stopped = false;
  private restartTimer: NodeJS.Timeout | undefined;

  /**
   * `onChange` is called for every change of an interface's running state, and (when
   * `reportInitial`) once per interface with its first known state. `netns`: monitor that namespace.
   */
  constructor(
    private readonly onChange: (ifname: string, up: boolean) => void,
    private readonly netns?: string,
    private readonly reportInitial = true,
    private readonly restartDelayMs = 500,
  ) {}

  /** Starts the monitor; resolves once the initial state is known. */
  async start(): Promise<void> {
    this.spawnMonitor();
    await this.resync();
  }

  /** PID of the current `ip monitor` child (for diagnostics and tests). */
  get monitorPid(): number | undefined {
    return this.child?.pid;
  }

  /** Last known running state, or undefined if the interface was never seen. */
  isUp(ifname: string): boolean | undefined {
    return this.state.get(ifname);
  }

  stop(): void {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const c = this.child;
    this.child = undefined;
    if (c && c.exitCode === null) c.kill('SIGTERM');
  }

  private update(ifname: string, up: boolean): void {
    const before = this.state.get(ifname);
    if (before === up) return;
    this.state.set(ifname, up);
    if (before === undefined && !this.reportInitial) return;
    this.counters.events += 1;
    this.onChange(ifname, up);
  }

  private async resync(): Promise<void> {
    const facts = await allInterfaceFacts(this.netns);
    for (const f of facts) this.update(f.ifname, f.up);
  }

  private spawnMonitor(): void {
    // Started before the resync so nothing between the snapshot and the subscription is lost.
    const child = spawn('ip', ipArgs(this.netns, ['-o', 'monitor', 'link']), { stdio: ['ignore', 'pipe', 'ignore'] });
    this.child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const ev = parseMonitorLine(line);
      if (!ev) {
        this.counters.unparsedLines += 1;
        return;
      }
      this.update(ev.ifname, ev.up);
    });
    child.on('error', () => { /* reported through 'exit' → restart */ });
    child.on('exit', () => {
      if (this.stopped || this.child !== child) return;
      this.counters.restarts += 1;
      this.restartTimer = setTimeout(() => {
        if (this.stopped) return;
        this.spawnMonitor();
        this.resync().catch(() => { /* next restart resyncs again */ });
      }, this.restartDelayMs);
    });
  }
}
