// The real ka-ts daemon (`ka-ts -f keepalived.conf -n -l ...`, the compiled CLI) as a director in
// a network namespace, driven like KeepalivedPeer: same keepalived.conf, same notify-script log,
// so one test can run ka-ts and keepalived side by side. Every file it uses (pid files, control
// socket) lives in its own temp dir, so several daemons on one host never collide.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { NetnsLab, waitFor } from './netns.js';
import { renderKeepalivedConf, type KaNotification, type KaPeerSpec } from './keepalived-peer.js';

/** The compiled CLI, from the repository root (tests run from there). */
export function cliPath(): string {
  return join(new URL('.', import.meta.url).pathname, '..', '..', '..', 'src', 'cli', 'main.js');
}

export interface KaTsDaemonOptions {
  /** keepalived.conf text; `%NOTIFY%` is replaced with the path of a notify script that logs transitions. */
  conf: string;
  /** Extra flags, e.g. ['-P'] or ['--metrics-listen', '127.0.0.1:9650']. */
  flags?: string[];
}

export class KaTsDaemon {
  readonly log: string[] = [];
  private exited = false;
  exitCode: number | null = null;

  private constructor(private readonly lab: NetnsLab, readonly ns: string, readonly dir: string, readonly child: ChildProcess) {
    const collect = (b: Buffer): void => { for (const l of b.toString().split('\n')) if (l) this.log.push(l); };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code) => { this.exited = true; this.exitCode = code; });
  }

  get confPath(): string { return join(this.dir, 'keepalived.conf'); }
  get notifyLog(): string { return join(this.dir, 'notify.log'); }
  get notifyScript(): string { return join(this.dir, 'notify.sh'); }
  get pidFile(): string { return join(this.dir, 'ka-ts.pid'); }
  get vrrpPidFile(): string { return join(this.dir, 'vrrp.pid'); }
  get checkersPidFile(): string { return join(this.dir, 'checkers.pid'); }
  get controlSocket(): string { return join(this.dir, 'ctl.sock'); }
  /** keepalived's dump files (/tmp/keepalived.*) land in $TMPDIR, which is this daemon's dir. */
  dumpFile(kind: 'data' | 'stats' | 'json'): string { return join(this.dir, `keepalived.${kind}`); }
  get pid(): number | undefined { return this.child.pid; }
  get running(): boolean { return !this.exited; }

  static start(lab: NetnsLab, ns: string, opts: KaTsDaemonOptions): KaTsDaemon {
    const dir = mkdtempSync(join(tmpdir(), 'kt-katsd-'));
    const notify = join(dir, 'notify.sh');
    writeFileSync(notify, `#!/bin/sh\necho "$(date +%s%N) $1 $2 $3 $4" >> ${join(dir, 'notify.log')}\n`);
    chmodSync(notify, 0o755);
    writeFileSync(join(dir, 'keepalived.conf'), opts.conf.replaceAll('%NOTIFY%', notify));
    const child = lab.spawn(ns, process.execPath, [cliPath(),
      '-n', '-l', '-D',
      '-f', join(dir, 'keepalived.conf'),
      '-p', join(dir, 'ka-ts.pid'), '-r', join(dir, 'vrrp.pid'), '-c', join(dir, 'checkers.pid'),
      '--control-socket', join(dir, 'ctl.sock'),
      ...(opts.flags ?? []),
    ], { env: { ...process.env, TMPDIR: dir } });
    return new KaTsDaemon(lab, ns, dir, child);
  }

  /**
   * The daemon as a drop-in for keepalived: the very keepalived.conf KeepalivedPeer would run,
   * VRRP only (-P), as the interop tests start keepalived.
   */
  static fromPeerSpec(lab: NetnsLab, ns: string, spec: KaPeerSpec, flags: string[] = ['-P']): KaTsDaemon {
    return KaTsDaemon.start(lab, ns, { conf: renderKeepalivedConf(spec, '%NOTIFY%'), flags });
  }

  /** keepalived's reload: the config rewritten from `spec`, then SIGHUP. */
  reload(spec: KaPeerSpec): void {
    this.rewriteConf(renderKeepalivedConf(spec, '%NOTIFY%'));
    this.signal('SIGHUP');
  }

  /** Replaces the configuration file (for reload tests). */
  rewriteConf(conf: string): void {
    writeFileSync(this.confPath, conf.replaceAll('%NOTIFY%', this.notifyScript));
  }

  signal(sig: NodeJS.Signals): void {
    if (this.child.pid !== undefined) process.kill(this.child.pid, sig);
  }

  holds(vip: string): Promise<boolean> {
    return this.lab.ip(this.ns, ['-j', 'addr', 'show']).then((r) => {
      const want = vip.split('/')[0];
      const links = JSON.parse(r.stdout) as Array<{ addr_info?: Array<{ local?: string }> }>;
      return links.some((l) => (l.addr_info ?? []).some((a) => a.local === want));
    });
  }

  notifications(): KaNotification[] {
    let text = '';
    try { text = readFileSync(this.notifyLog, 'utf8'); } catch { return []; }
    return text.split('\n').filter(Boolean).map((l) => {
      const [nsTime, kind, name, state, prio] = l.split(' ');
      return { atMs: Number(BigInt(nsTime ?? '0') / 1000000n), kind: kind ?? '', name: name ?? '', state: state ?? '', priority: Number(prio) };
    });
  }

  lastState(name: string): string | undefined {
    return this.notifications().filter((n) => n.name === name).at(-1)?.state;
  }

  async waitForState(name: string, state: string, timeoutMs: number): Promise<void> {
    try {
      await waitFor(() => this.lastState(name) === state, timeoutMs);
    } catch {
      throw new Error(`ka-ts: ${name} not ${state} within ${timeoutMs} ms (last ${this.lastState(name) ?? 'none'}); log tail:\n${this.log.slice(-25).join('\n')}`);
    }
  }

  readPid(file: string): number | undefined {
    try {
      const n = Number.parseInt(readFileSync(file, 'utf8'), 10);
      return Number.isInteger(n) && n > 0 ? n : undefined;
    } catch { return undefined; }
  }

  /** SIGTERM, then SIGKILL of the whole family after `graceMs`. */
  async stop(graceMs = 8000): Promise<void> {
    if (this.exited || this.child.pid === undefined) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.crash(), graceMs);
    await exited;
    clearTimeout(t);
    this.killChildren();
  }

  /**
   * kill -9 of the parent and both children (no goodbye adverts). All three are frozen first:
   * a child whose parent vanishes stops gracefully (priority 0), which a crash must not do.
   */
  crash(): void {
    const pids = [this.child.pid, this.readPid(this.vrrpPidFile), this.readPid(this.checkersPidFile)].filter((p): p is number => p !== undefined);
    for (const p of pids) try { process.kill(p, 'SIGSTOP'); } catch { /* gone */ }
    for (const p of pids) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
  }

  private killChildren(): void {
    for (const p of [this.readPid(this.vrrpPidFile), this.readPid(this.checkersPidFile)]) {
      if (p !== undefined) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
    }
  }

  async waitExit(timeoutMs = 10000): Promise<void> {
    await waitFor(() => this.exited, timeoutMs);
  }

  removeFiles(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
