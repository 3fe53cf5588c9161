// Network-namespace lab for integration tests: unique namespace names, veth links and bridges,
// commands and long-running processes inside namespaces, and one cleanup that removes all of it
// (processes killed by PID, namespaces deleted) — call it from `finally`/`after`, also on failure.
import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export const isRoot = (): boolean => process.getuid?.() === 0;

/** Reason to skip an integration test, or undefined when it can run. */
export function rootSkipReason(): string | undefined {
  return isRoot() ? undefined : 'needs root (network namespaces); CI runs as root';
}

export interface ExecResult { stdout: string; stderr: string; code: number }

let labCounter = 0;

export class NetnsLab {
  private readonly namespaces: string[] = [];
  private readonly processes: ChildProcess[] = [];
  private readonly prefix: string;

  /** `area` is a short tag (letters/digits) naming the test area, e.g. "vrrp". */
  constructor(area: string) {
    labCounter += 1;
    this.prefix = `kt-${area}-${process.pid}-${labCounter}`;
  }

  /** Creates a namespace with `lo` up and returns its full (unique) name. */
  async addNs(short: string): Promise<string> {
    const name = `${this.prefix}-${short}`;
    await this.run('ip', ['netns', 'add', name]);
    this.namespaces.push(name);
    await this.ip(name, ['link', 'set', 'lo', 'up']);
    return name;
  }

  /** `ip -n NS ARGS...` */
  ip(ns: string, args: string[]): Promise<ExecResult> {
    return this.run('ip', ['-n', ns, ...args]);
  }

  /** A veth pair: `ifA` in `nsA`, `ifB` in `nsB`, both up. Interface names must be <= 15 chars. */
  async veth(nsA: string, ifA: string, nsB: string, ifB: string): Promise<void> {
    await this.ip(nsA, ['link', 'add', ifA, 'type', 'veth', 'peer', 'name', ifB, 'netns', nsB]);
    await this.ip(nsA, ['link', 'set', ifA, 'up']);
    await this.ip(nsB, ['link', 'set', ifB, 'up']);
  }

  /** A bridge `br` inside `ns`, up. */
  async bridge(ns: string, br: string): Promise<void> {
    await this.ip(ns, ['link', 'add', br, 'type', 'bridge']);
    await this.ip(ns, ['link', 'set', br, 'up']);
  }

  /** Connects `ifname` in `ns` to bridge `br` in `brNs` through a veth pair (`peer` is the bridge-side name). */
  async plugIntoBridge(ns: string, ifname: string, brNs: string, br: string, peer: string): Promise<void> {
    await this.veth(ns, ifname, brNs, peer);
    await this.ip(brNs, ['link', 'set', peer, 'master', br]);
  }

  async addAddr(ns: string, ifname: string, cidr: string): Promise<void> {
    const args = cidr.includes(':') ? ['-6', 'addr', 'add', cidr, 'dev', ifname, 'nodad'] : ['addr', 'add', cidr, 'dev', ifname];
    await this.ip(ns, args);
  }

  /** Runs a command to completion inside `ns`; rejects on non-zero exit unless `allowFail`. */
  exec(ns: string, cmd: string, args: string[], allowFail = false): Promise<ExecResult> {
    return this.run('ip', ['netns', 'exec', ns, cmd, ...args], allowFail);
  }

  /** Starts a long-running process inside `ns`; it is killed (by PID) at cleanup. */
  spawn(ns: string, cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    this.processes.push(child);
    return child;
  }

  /** Registers a process started elsewhere so that cleanup kills it too. */
  track(child: ChildProcess): ChildProcess {
    this.processes.push(child);
    return child;
  }

  /** Kills every tracked process (SIGKILL after a grace period) and deletes every namespace. */
  async cleanup(): Promise<void> {
    await Promise.all(this.processes.map((p) => stopProcess(p)));
    this.processes.length = 0;
    for (const ns of this.namespaces.reverse()) {
      // Processes that a test started in the namespace by other means would keep it alive as a
      // mount but not block deletion; `ip netns pids` finds stragglers so none outlive the test.
      const pids = await this.run('ip', ['netns', 'pids', ns], true);
      for (const pid of pids.stdout.split(/\s+/).filter(Boolean)) {
        try { process.kill(Number(pid), 'SIGKILL'); } catch { /* already gone */ }
      }
      await this.run('ip', ['netns', 'del', ns], true);
    }
    this.namespaces.length = 0;
  }

  private async run(cmd: string, args: string[], allowFail = false): Promise<ExecResult> {
    try {
      const { stdout, stderr } = await execFileP(cmd, args, { maxBuffer: 64 * 1024 * 1024 });
      return { stdout, stderr, code: 0 };
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; code?: number };
      const result = { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: typeof e.code === 'number' ? e.code : 1 };
      if (allowFail) return result;
      throw new Error(`${cmd} ${args.join(' ')} failed (${result.code}): ${result.stderr.trim()}`);
    }
  }
}

/** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Polls `probe` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, intervalMs = 50): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
