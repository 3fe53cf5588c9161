// ka-ts's VRRP side as a test director: the standalone entry with a JSON config in a namespace.
// It takes the same description as KeepalivedPeer and reports state the same way (a notify script
// appending `TYPE name STATE priority` to a file), so one test body can run against either.
import { chmodSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { NetnsLab, stopProcess, waitFor } from '../lib/netns.js';
import { nsHasAddress, type KaNotification, type KaPeerSpec } from '../lib/keepalived-peer.js';
import type { StandaloneConfig } from '../../../src/vrrp/engine/standalone-config.js';

/** The compiled standalone entry, found from the repository root (tests run from there). */
export function standaloneEntryPath(): string {
  const here = new URL('.', import.meta.url).pathname;
  // this file is <out>/test/integration/vrrp/ka-ts-director.js; the entry is <out>/src/vrrp/engine/standalone.js
  return join(here, '..', '..', '..', 'src', 'vrrp', 'engine', 'standalone.js');
}

function writeConfig(dir: string, spec: KaPeerSpec): void {
  const notify = join(dir, 'notify.sh');
  const conf: StandaloneConfig = {
    routerId: spec.routerId,
    instances: spec.instances.map((i) => ({ ...i, notify })),
    ...(spec.scripts ? { scripts: spec.scripts } : {}),
    ...(spec.syncGroups ? { syncGroups: spec.syncGroups.map((g) => ({ ...g, notify })) } : {}),
    ...(spec.files ? { files: spec.files } : {}),
  };
  writeFileSync(join(dir, 'vrrp.json.tmp'), JSON.stringify(conf, null, 1));
  renameSync(join(dir, 'vrrp.json.tmp'), join(dir, 'vrrp.json'));
}

export class KaTsDirector {
  readonly log: string[] = [];
  private exited = false;

  private constructor(private readonly lab: NetnsLab, readonly ns: string, readonly spec: KaPeerSpec, readonly dir: string, readonly child: ChildProcess) {
    const collect = (b: Buffer): void => { for (const l of b.toString().split('\n')) if (l) this.log.push(l); };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', () => { this.exited = true; });
  }

  get notifyLog(): string { return join(this.dir, 'notify.log'); }
  get running(): boolean { return !this.exited; }

  static start(lab: NetnsLab, ns: string, spec: KaPeerSpec): KaTsDirector {
    const dir = mkdtempSync(join(tmpdir(), 'kt-katsdir-'));
    const notify = join(dir, 'notify.sh');
    writeFileSync(notify, `#!/bin/sh\necho "$(date +%s%N) $1 $2 $3 $4" >> ${join(dir, 'notify.log')}\n`);
    chmodSync(notify, 0o755);
    writeConfig(dir, spec);
    const child = lab.spawn(ns, process.execPath, [standaloneEntryPath(), join(dir, 'vrrp.json')]);
    return new KaTsDirector(lab, ns, spec, dir, child);
  }

  /** Rewrites the config and sends SIGHUP (the standalone entry reloads in place). */
  reload(spec: KaPeerSpec): void {
    writeConfig(this.dir, spec);
    this.child.kill('SIGHUP');
  }

  holds(vip: string): Promise<boolean> {
    return nsHasAddress(this.lab, this.ns, vip);
  }

  notifications(): KaNotification[] {
    let text = '';
    try { text = readFileSync(this.notifyLog, 'utf8'); } catch { return []; }
    return text.split('\n').filter(Boolean).map((l) => {
      const [t, kind, name, state, prio] = l.split(' ');
      return { atMs: Number(BigInt(t ?? '0') / 1000000n), kind: kind ?? '', name: name ?? '', state: state ?? '', priority: Number(prio) };
    });
  }

  lastState(name: string): string | undefined {
    return this.notifications().filter((n) => n.name === name).at(-1)?.state;
  }

  async waitForState(name: string, state: string, timeoutMs: number): Promise<void> {
    try {
      await waitFor(() => this.lastState(name) === state, timeoutMs);
    } catch {
      throw new Error(`ka-ts ${this.spec.routerId}: ${name} not ${state} within ${timeoutMs} ms (last ${this.lastState(name) ?? 'none'}); log tail:\n${this.log.slice(-15).join('\n')}`);
    }
  }

  async stop(graceMs = 5000): Promise<void> {
    if (this.exited) return;
    await stopProcess(this.child, graceMs);
  }

  crash(): void {
    if (this.child.pid !== undefined) try { process.kill(this.child.pid, 'SIGKILL'); } catch { /* gone */ }
  }

  async waitExit(timeoutMs = 5000): Promise<void> {
    await waitFor(() => this.exited, timeoutMs);
  }

  removeFiles(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
