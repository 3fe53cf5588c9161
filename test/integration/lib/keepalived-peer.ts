// The real keepalived 2.2.7 as a VRRP peer inside a network namespace, for interop tests and the
// failover bench. The config is rendered from a small typed description so each test states only
// what it cares about; state is observed the way an operator would: VIPs present in the
// namespace (`ip -j addr`) and the notify script's log. Stopping is always by PID.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { NetnsLab, waitFor } from './netns.js';

export interface KaPeerInstance {
  name: string;
  interface: string;
  vrid: number;
  priority: number;
  state: 'MASTER' | 'BACKUP';
  /** Seconds; v2 whole seconds, v3 multiples of 0.01. */
  advertInt: number;
  version?: 2 | 3;
  /** VIPs as `addr/prefix`; an IPv6 first VIP makes the instance IPv6 (keepalived infers the family the same way). */
  vips: string[];
  unicastSrc?: string;
  unicastPeers?: string[];
  nopreempt?: boolean;
  preemptDelay?: number;
  trackScripts?: string[];
  trackInterfaces?: string[];
  trackFiles?: string[];
  trackProcesses?: string[];
  useVmac?: boolean;
  /** virtual_routes / virtual_rules lines. */
  routes?: string[];
  rules?: string[];
  garpMasterDelay?: number;
  garpMasterRepeat?: number;
  garpMasterRefresh?: number;
  garpMasterRefreshRepeat?: number;
}

export interface KaPeerScript {
  name: string;
  /** Command line as keepalived's `script` keyword takes it. */
  script: string;
  interval: number;
  weight?: number;
  fall?: number;
  rise?: number;
}

export interface KaPeerSyncGroup {
  name: string;
  members: string[];
}

export interface KaPeerTrackFile {
  name: string;
  path: string;
  weight?: number;
}

export interface KaPeerTrackProcess {
  name: string;
  /** The `process` line's words: a name, or a command and its parameters. */
  process: string[];
  weight?: number;
  quorum?: number;
  /** Seconds (`delay`: fork_delay and terminate_delay). */
  delay?: number;
  fullCommand?: boolean;
}

export interface KaPeerSpec {
  routerId: string;
  instances: KaPeerInstance[];
  scripts?: KaPeerScript[];
  syncGroups?: KaPeerSyncGroup[];
  files?: KaPeerTrackFile[];
  processes?: KaPeerTrackProcess[];
  /** global_defs vrrp_garp_interval, seconds. */
  garpInterval?: number;
}

/** One line the notify script wrote: `INSTANCE|GROUP name STATE priority`, with its arrival time. */
export interface KaNotification {
  atMs: number;
  kind: string;
  name: string;
  state: string;
  priority: number;
}

const fmtInt = (s: number): string => (Number.isInteger(s) ? String(s) : s.toFixed(2));

/** keepalived.conf text for `spec`; every instance and group calls `notifyScript`. */
export function renderKeepalivedConf(spec: KaPeerSpec, notifyScript: string): string {
  const out: string[] = [];
  // script_user root: no keepalived_script user exists on test machines, and naming root
  // explicitly keeps keepalived from refusing scripts or guessing.
  out.push('global_defs {', `  router_id ${spec.routerId}`, '  script_user root',
    ...(spec.garpInterval !== undefined ? [`  vrrp_garp_interval ${spec.garpInterval}`] : []), '}');
  for (const s of spec.scripts ?? []) {
    out.push(`vrrp_script ${s.name} {`, `  script "${s.script}"`, `  interval ${s.interval}`);
    if (s.weight !== undefined) out.push(`  weight ${s.weight}`);
    if (s.fall !== undefined) out.push(`  fall ${s.fall}`);
    if (s.rise !== undefined) out.push(`  rise ${s.rise}`);
    out.push('}');
  }
  for (const f of spec.files ?? []) {
    out.push(`vrrp_track_file ${f.name} {`, `  file ${f.path}`, ...(f.weight !== undefined ? [`  weight ${f.weight}`] : []), '}');
  }
  for (const p of spec.processes ?? []) {
    out.push(`vrrp_track_process ${p.name} {`, `  process ${p.process.join(' ')}`);
    if (p.weight !== undefined) out.push(`  weight ${p.weight}`);
    if (p.quorum !== undefined) out.push(`  quorum ${p.quorum}`);
    if (p.delay !== undefined) out.push(`  delay ${p.delay}`);
    if (p.fullCommand) out.push('  full_command');
    out.push('}');
  }
  for (const g of spec.syncGroups ?? []) {
    out.push(`vrrp_sync_group ${g.name} {`, '  group {', ...g.members.map((m) => `    ${m}`), '  }', `  notify ${notifyScript}`, '}');
  }
  for (const i of spec.instances) {
    out.push(`vrrp_instance ${i.name} {`);
    out.push(`  state ${i.state}`, `  interface ${i.interface}`, `  virtual_router_id ${i.vrid}`, `  priority ${i.priority}`);
    out.push(`  advert_int ${fmtInt(i.advertInt)}`);
    if (i.version !== undefined) out.push(`  version ${i.version}`);
    if (i.nopreempt) out.push('  nopreempt');
    if (i.useVmac) out.push('  use_vmac');
    if (i.preemptDelay !== undefined) out.push(`  preempt_delay ${i.preemptDelay}`);
    if (i.garpMasterDelay !== undefined) out.push(`  garp_master_delay ${i.garpMasterDelay}`);
    if (i.garpMasterRepeat !== undefined) out.push(`  garp_master_repeat ${i.garpMasterRepeat}`);
    if (i.garpMasterRefresh !== undefined) out.push(`  garp_master_refresh ${i.garpMasterRefresh}`);
    if (i.garpMasterRefreshRepeat !== undefined) out.push(`  garp_master_refresh_repeat ${i.garpMasterRefreshRepeat}`);
    if (i.unicastSrc !== undefined) out.push(`  unicast_src_ip ${i.unicastSrc}`);
    if (i.unicastPeers && i.unicastPeers.length > 0) out.push('  unicast_peer {', ...i.unicastPeers.map((p) => `    ${p}`), '  }');
    if (i.trackScripts && i.trackScripts.length > 0) out.push('  track_script {', ...i.trackScripts.map((s) => `    ${s}`), '  }');
    if (i.trackInterfaces && i.trackInterfaces.length > 0) out.push('  track_interface {', ...i.trackInterfaces.map((s) => `    ${s}`), '  }');
    if (i.trackFiles && i.trackFiles.length > 0) out.push('  track_file {', ...i.trackFiles.map((s) => `    ${s}`), '  }');
    if (i.trackProcesses && i.trackProcesses.length > 0) out.push('  track_process {', ...i.trackProcesses.map((s) => `    ${s}`), '  }');
    out.push('  virtual_ipaddress {', ...i.vips.map((v) => `    ${v}`), '  }');
    if (i.routes && i.routes.length > 0) out.push('  virtual_routes {', ...i.routes.map((r) => `    ${r}`), '  }');
    if (i.rules && i.rules.length > 0) out.push('  virtual_rules {', ...i.rules.map((r) => `    ${r}`), '  }');
    out.push(`  notify ${notifyScript}`);
    out.push('}');
  }
  return out.join('\n') + '\n';
}

/** Parses `ip -j addr` output into `addr/prefix` strings. */
export function addressesFromIpJson(json: string): string[] {
  const links = JSON.parse(json) as Array<{ addr_info?: Array<{ local?: string; prefixlen?: number }> }>;
  const out: string[] = [];
  for (const l of links) for (const a of l.addr_info ?? []) if (a.local !== undefined) out.push(`${a.local}/${a.prefixlen ?? ''}`);
  return out;
}

/** True when `addr` (with or without `/prefix`) is configured in `ns`. */
export async function nsHasAddress(lab: NetnsLab, ns: string, addr: string): Promise<boolean> {
  const want = addr.split('/')[0]!;
  const r = await lab.ip(ns, ['-j', 'addr', 'show']);
  return addressesFromIpJson(r.stdout).some((a) => a.split('/')[0] === want);
}

export class KeepalivedPeer {
  readonly log: string[] = [];
  private exited = false;

  private constructor(
    private readonly lab: NetnsLab,
    readonly ns: string,
    readonly spec: KaPeerSpec,
    readonly dir: string,
    readonly child: ChildProcess,
  ) {
    const collect = (buf: Buffer): void => { for (const l of buf.toString().split('\n')) if (l) this.log.push(l); };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', () => { this.exited = true; });
  }

  get confPath(): string { return join(this.dir, 'keepalived.conf'); }
  get notifyLog(): string { return join(this.dir, 'notify.log'); }
  get pidFile(): string { return join(this.dir, 'keepalived.pid'); }
  get vrrpPidFile(): string { return join(this.dir, 'vrrp.pid'); }
  get pid(): number | undefined { return this.child.pid; }
  get running(): boolean { return !this.exited; }

  /** Writes the config and notify script to a fresh temp dir and starts keepalived (VRRP only, foreground, console log). */
  static start(lab: NetnsLab, ns: string, spec: KaPeerSpec): KeepalivedPeer {
    const dir = mkdtempSync(join(tmpdir(), 'kt-kapeer-'));
    const notify = join(dir, 'notify.sh');
    // The time stamp lets tests order transitions across peers; `date +%s%N` is wall clock, which is fine
    // for ordering within one host.
    writeFileSync(notify, `#!/bin/sh\necho "$(date +%s%N) $1 $2 $3 $4" >> ${join(dir, 'notify.log')}\n`);
    chmodSync(notify, 0o755);
    writeFileSync(join(dir, 'keepalived.conf'), renderKeepalivedConf(spec, notify));
    const child = lab.spawn(ns, 'keepalived', [
      '-P', '-n', '-l', '-D',
      '-f', join(dir, 'keepalived.conf'),
      '-p', join(dir, 'keepalived.pid'),
      '-r', join(dir, 'vrrp.pid'),
    ]);
    return new KeepalivedPeer(lab, ns, spec, dir, child);
  }

  /** VIPs of the spec that are present in the namespace now. */
  async presentVips(): Promise<string[]> {
    const r = await this.lab.ip(this.ns, ['-j', 'addr', 'show']);
    const have = new Set(addressesFromIpJson(r.stdout).map((a) => a.split('/')[0]));
    return this.spec.instances.flatMap((i) => i.vips).filter((v) => have.has(v.split('/')[0]!));
  }

  holds(vip: string): Promise<boolean> {
    return nsHasAddress(this.lab, this.ns, vip);
  }

  notifications(): KaNotification[] {
    let text = '';
    try { text = readFileSync(this.notifyLog, 'utf8'); } catch { return []; }
    return text.split('\n').filter(Boolean).map((l) => {
      const [ns, kind, name, state, prio] = l.split(' ');
      return { atMs: Number(BigInt(ns ?? '0') / 1000000n), kind: kind ?? '', name: name ?? '', state: state ?? '', priority: Number(prio) };
    });
  }

  /** Latest notified state of instance or group `name`. */
  lastState(name: string): string | undefined {
    return this.notifications().filter((n) => n.name === name).at(-1)?.state;
  }

  async waitForState(name: string, state: string, timeoutMs: number): Promise<void> {
    try {
      await waitFor(() => this.lastState(name) === state, timeoutMs);
    } catch {
      throw new Error(`keepalived ${this.spec.routerId}: ${name} not ${state} within ${timeoutMs} ms (last ${this.lastState(name) ?? 'none'}); log tail:\n${this.log.slice(-15).join('\n')}`);
    }
  }

  /** The VRRP child's pid (from `-r`), once written. */
  vrrpPid(): number | undefined {
    try {
      const n = Number.parseInt(readFileSync(this.vrrpPidFile, 'utf8'), 10);
      return Number.isInteger(n) && n > 0 ? n : undefined;
    } catch { return undefined; }
  }

  /** Graceful stop: SIGTERM to the parent (keepalived sends priority 0 and releases VIPs), SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited || this.child.pid === undefined) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.crash(), graceMs);
    await exited;
    clearTimeout(t);
  }

  /**
   * A crash: no priority-0 advert, VIPs left in place. Both processes are frozen first, because the
   * VRRP child gets SIGTERM from the kernel when its parent dies (parent-death signal) and would
   * otherwise still say goodbye.
   */
  crash(): void {
    const pids = [this.child.pid, this.vrrpPid()].filter((p): p is number => p !== undefined);
    for (const p of pids) try { process.kill(p, 'SIGSTOP'); } catch { /* gone */ }
    for (const p of pids) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
  }

  async waitExit(timeoutMs = 5000): Promise<void> {
    await waitFor(() => this.exited, timeoutMs);
  }

  /** Removes the temp dir; call after the process is gone. */
  removeFiles(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
