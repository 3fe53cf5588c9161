// vrrp_track_process: counts the running processes that match each definition and reports when a
// quorum is gained or lost. Like keepalived it scans /proc once and then follows the kernel's
// process events (fork, exec, name change, exit), so a dead haproxy is seen at once and nothing
// polls. The kernel offers those events only in the initial network namespace; elsewhere (a
// container, `ip netns exec`) keepalived tracks nothing and its instances stay in FAULT, while
// ka-ts says so and rescans /proc every second instead.
import { readFileSync, readdirSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { PROC_EVENT, watchProcessEvents, type NativeError } from '../../native/addon.js';
import { matchesProcess, parseCmdline, type ProcessFacts, type ProcessMatchDef } from '../tracking/process-match.js';
import { ProcessQuorum, type CountChange, type QuorumDef } from '../tracking/process-quorum.js';
import { realSetTimer } from '../timer.js';

export interface ProcessTrackDef extends ProcessMatchDef, QuorumDef {}

export type ProcessWatchMode = 'events' | 'poll' | 'stopped';

export interface ProcessTrackStatus {
  name: string;
  processes: number;
  quorum: boolean;
}

const POLL_MS = 1000;

/** "PID (comm) S ..." → comm and state; comm may hold spaces and ')' so the last ')' ends it. */
function parseStat(raw: string): { comm: string; state: string } | undefined {
  const open = raw.indexOf('(');
  const close = raw.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  return { comm: raw.slice(open + 1, close), state: raw.charAt(close + 2) };
}

function isPid(name: string): boolean {
  const c = name.charCodeAt(0);
  return c >= 49 && c <= 57;
}

export class ProcessWatcher {
  private quorums = new Map<string, ProcessQuorum>();
  /** Counted processes: pid → the definitions it counts for. */
  private counted = new Map<number, string[]>();
  private stopEvents: (() => void) | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private needArgv = false;
  private modeNow: ProcessWatchMode = 'stopped';
  /** Bumped by stop(): a poll still reading /proc for an older start drops its result. */
  private generation = 0;
  /** Events lost to a full socket buffer, each answered by a rescan. */
  overruns = 0;

  constructor(
    private defs: ProcessTrackDef[],
    private readonly onChange: (name: string, quorum: boolean, processes: number) => void,
    private readonly log: (level: 'info' | 'warn', msg: string) => void,
  ) {}

  get mode(): ProcessWatchMode {
    return this.modeNow;
  }

  hasQuorum(name: string): boolean {
    return this.quorums.get(name)?.hasQuorum ?? false;
  }

  status(): ProcessTrackStatus[] {
    return [...this.quorums.values()].map((q) => ({ name: q.def.name, processes: q.processes, quorum: q.hasQuorum }));
  }

  /** Subscribes first, then scans, so no process started in between is missed. */
  start(): void {
    if (this.defs.length === 0) return;
    this.needArgv = this.defs.some((d) => d.fullCommand);
    for (const d of this.defs) {
      this.quorums.set(d.name, new ProcessQuorum(d, { set: realSetTimer }, (up, n) => {
        this.log(up ? 'info' : 'warn', `track_process ${d.name}: quorum ${up ? 'gained' : 'lost'} (${n} matching process${n === 1 ? '' : 'es'})`);
        this.onChange(d.name, up, n);
      }));
    }
    try {
      this.stopEvents = watchProcessEvents((ev) => this.onEvents(ev));
      this.modeNow = 'events';
    } catch (err) {
      const e = err as Partial<NativeError>;
      this.log('warn', `track_process: the kernel's process events are not available here (${e.code ?? e.message ?? String(err)}; ` +
        'the kernel offers them to root in the initial network namespace only): rescanning /proc every second instead');
      this.modeNow = 'poll';
      this.pollTimer = setInterval(() => {
        this.poll().catch((e: Error) => this.log('warn', `track_process: reading /proc failed: ${e.message}; counts kept until the next scan`));
      }, POLL_MS);
    }
    this.rescan();
  }

  stop(): void {
    this.stopEvents?.();
    this.stopEvents = undefined;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    for (const q of this.quorums.values()) q.dispose();
    this.quorums.clear();
    this.counted.clear();
    this.modeNow = 'stopped';
    this.generation += 1;
  }

  /** New definitions (reload): counted afresh, as keepalived does. */
  replace(defs: ProcessTrackDef[]): void {
    this.stop();
    this.defs = defs;
    this.start();
  }

  private matching(facts: ProcessFacts): string[] {
    return this.defs.filter((d) => matchesProcess(d, facts)).map((d) => d.name);
  }

  private factsFromRaw(stat: string, cmdline: string | undefined): ProcessFacts | undefined {
    const s = parseStat(stat);
    // A zombie has exited; keepalived does not count it.
    if (!s || s.state === 'Z') return undefined;
    return cmdline === undefined ? { comm: s.comm } : { comm: s.comm, argv: parseCmdline(cmdline) };
  }

  private readFacts(pid: number): ProcessFacts | undefined {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      return this.factsFromRaw(stat, this.needArgv ? readFileSync(`/proc/${pid}/cmdline`, 'latin1') : undefined);
    } catch {
      return undefined; // gone already: its exit event follows
    }
  }

  /** A full count from /proc (at start and after lost events). */
  private rescan(): void {
    const found = new Map<number, string[]>();
    for (const entry of readdirSync('/proc')) {
      if (!isPid(entry)) continue;
      const facts = this.readFacts(Number(entry));
      const names = facts ? this.matching(facts) : [];
      if (names.length > 0) found.set(Number(entry), names);
    }
    this.adopt(found, 'immediate');
  }

  /** Poll mode: the same count, read asynchronously so adverts are never held up by /proc. */
  private async poll(): Promise<void> {
    if (this.polling || this.modeNow !== 'poll') return;
    this.polling = true;
    const generation = this.generation;
    try {
      const entries = (await readdir('/proc')).filter(isPid);
      const found = new Map<number, string[]>();
      await Promise.all(entries.map(async (entry) => {
        try {
          const stat = await readFile(`/proc/${entry}/stat`, 'latin1');
          const facts = this.factsFromRaw(stat, this.needArgv ? await readFile(`/proc/${entry}/cmdline`, 'latin1') : undefined);
          const names = facts ? this.matching(facts) : [];
          if (names.length > 0) found.set(Number(entry), names);
        } catch { /* exited while being read */ }
      }));
      // Stopped or replaced while reading: these results belong to the old definitions.
      if (generation === this.generation) this.adopt(found, 'poll');
    } finally {
      this.polling = false;
    }
  }

  /**
   * Makes `found` the counted set. A poll sees what events would have shown: processes that
   * appeared count as forks and ones that went as exits (so fork_delay / terminate_delay apply);
   * a scan applies everything at once.
   */
  private adopt(found: Map<number, string[]>, how: 'immediate' | 'poll'): void {
    const delta = new Map<string, { up: number; down: number }>();
    const bump = (name: string, k: 'up' | 'down'): void => {
      const d = delta.get(name) ?? { up: 0, down: 0 };
      d[k] += 1;
      delta.set(name, d);
    };
    for (const [pid, names] of this.counted) for (const n of names) if (!found.get(pid)?.includes(n)) bump(n, 'down');
    for (const [pid, names] of found) for (const n of names) if (!this.counted.get(pid)?.includes(n)) bump(n, 'up');
    this.counted = found;
    for (const [name, d] of delta) {
      const q = this.quorums.get(name);
      if (!q) continue;
      if (how === 'immediate') { q.setCount(q.processes + d.up - d.down); continue; }
      for (let i = 0; i < d.down; i++) q.change(-1, 'exit');
      for (let i = 0; i < d.up; i++) q.change(1, 'fork');
    }
  }

  private onEvents(ev: Int32Array): void {
    try {
      this.applyEvents(ev);
    } catch (err) {
      // A failed rescan must not take the VRRP process down with it: counts stay as they were.
      this.log('warn', `track_process: process events not applied: ${(err as Error).message}`);
    }
  }

  private applyEvents(ev: Int32Array): void {
    for (let i = 0; i + 2 < ev.length; i += 3) {
      const kind = ev[i]!;
      const pid = ev[i + 1]!;
      if (kind === PROC_EVENT.FORK) {
        // The child runs the parent's program until it execs: it counts where the parent does.
        const names = this.counted.get(ev[i + 2]!);
        if (names) this.recount(pid, names, 'fork');
      } else if (kind === PROC_EVENT.EXEC || kind === PROC_EVENT.COMM) {
        const facts = this.readFacts(pid);
        this.recount(pid, facts ? this.matching(facts) : [], 'immediate');
      } else if (kind === PROC_EVENT.EXIT) {
        this.recount(pid, [], 'exit');
      } else if (kind === PROC_EVENT.OVERRUN) {
        this.overruns += 1;
        this.log('warn', 'track_process: process events were lost (socket buffer full); rescanning /proc');
        this.rescan();
        return;
      }
    }
  }

  /** Sets what `pid` counts for; an exec that still matches neither adds nor removes anything. */
  private recount(pid: number, names: string[], why: CountChange): void {
    const before = this.counted.get(pid) ?? [];
    if (names.length > 0) this.counted.set(pid, names);
    else this.counted.delete(pid);
    for (const n of before) if (!names.includes(n)) this.quorums.get(n)?.change(-1, why);
    for (const n of names) if (!before.includes(n)) this.quorums.get(n)?.change(1, why);
  }
}
