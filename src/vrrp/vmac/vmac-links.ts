// use_vmac, the host side: creates the private-mode macvlans with the VRRP MAC and the kernel
// settings keepalived 2.2.7 gives them (vrrp_vmac.c, vrrp_if_config.c), and undoes it all on stop:
//  - macvlan: arp_ignore 1 (answer ARP only for its own addresses, the VIPs), accept_local 1,
//    rp_filter 0, promote_secondaries 1, no IPv6 link-local of its own (addrgenmode none), IPv6
//    off for an IPv4 instance; an IPv6 instance gets the base interface's link-local to send from;
//  - base interface: arp_ignore 1 and arp_filter 1, so it never answers for the VIPs with its own
//    MAC; restored when its last macvlan goes;
//  - a non-zero all.rp_filter would drop the macvlan's traffic: every interface is raised to it,
//    then all is set to 0; restored on stop where still as set.
// A macvlan that already exists with the right base, mode and MAC (left by a killed daemon) is
// adopted; one that differs is replaced; an interface of another kind is left alone and reported.
import { execFile } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { VmacPlan } from './vmac-plan.js';

const run = promisify(execFile);

export class VmacError extends Error {
  override readonly name = 'VmacError';
}

interface LinkInfo {
  ifname: string;
  link?: string;
  address?: string;
  linkinfo?: { info_kind?: string; info_data?: { mode?: string } };
}

async function ip(args: string[]): Promise<string> {
  try {
    return (await run('ip', args, { timeout: 10_000 })).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new VmacError(`ip ${args.join(' ')}: ${(e.stderr ?? '').trim() || e.message}`);
  }
}

async function linkInfo(name: string): Promise<LinkInfo | undefined> {
  try {
    const out = (await run('ip', ['-d', '-j', 'link', 'show', 'dev', name])).stdout;
    return (JSON.parse(out) as LinkInfo[])[0];
  } catch {
    return undefined; // no such device
  }
}

const confPath = (family: 'ipv4' | 'ipv6', ifname: string, key: string): string => `/proc/sys/net/${family}/conf/${ifname}/${key}`;

async function readSysctl(path: string): Promise<number | undefined> {
  try {
    return Number.parseInt((await readFile(path, 'utf8')).trim(), 10);
  } catch {
    return undefined;
  }
}

async function writeSysctl(path: string, value: number): Promise<void> {
  try {
    await writeFile(path, `${value}\n`);
  } catch (err) {
    throw new VmacError(`cannot set ${path} to ${value}: ${(err as Error).message}`);
  }
}

/** A setting changed by us, with the value to put back and the one we wrote. */
interface Saved { path: string; before: number; set: number }

export class VmacLinks {
  /** Macvlans this process created or adopted: name → plan. */
  private readonly owned = new Map<string, VmacPlan>();
  /** Base interfaces' arp settings as they were before the first macvlan on them. */
  private readonly baseSaved = new Map<string, Saved[]>();
  private rpFilterSaved: Saved[] | undefined;

  constructor(private readonly log: (level: 'info' | 'warn' | 'error', msg: string) => void) {}

  /** The macvlans that exist now and that the instances run on. */
  names(): string[] {
    return [...this.owned.keys()];
  }

  /**
   * Makes every planned macvlan exist. Returns the plans that are in place; a plan that failed is
   * logged and left out (its instance then runs on the base interface, as without use_vmac).
   */
  async ensureAll(plans: readonly VmacPlan[]): Promise<VmacPlan[]> {
    const ready: VmacPlan[] = [];
    for (const p of plans) {
      try {
        await this.ensure(p);
        ready.push(p);
      } catch (err) {
        this.log('error', `vrrp_instance ${p.instance}: use_vmac ${p.name} on ${p.base}: ${(err as Error).message}; running on ${p.base} without a virtual MAC`);
      }
    }
    return ready;
  }

  /** Deletes the owned macvlans `inUse` does not name (after the engine has left them). */
  async prune(inUse: readonly VmacPlan[]): Promise<void> {
    const wanted = new Set(inUse.map((p) => p.name));
    for (const name of [...this.owned.keys()]) if (!wanted.has(name)) await this.remove(name);
    if (this.owned.size === 0) await this.restoreRpFilter();
  }

  /** Deletes every owned macvlan and puts back what was changed. */
  async removeAll(): Promise<void> {
    await this.prune([]);
  }

  private async ensure(p: VmacPlan): Promise<void> {
    const same = this.owned.get(p.name);
    if (same && same.base === p.base && same.mac === p.mac && same.family === p.family) return;
    const base = await linkInfo(p.base);
    if (!base) throw new VmacError(`interface ${p.base} does not exist`);
    const existing = await linkInfo(p.name);
    const kind = existing?.linkinfo?.info_kind;
    if (existing && kind !== 'macvlan') throw new VmacError(`${p.name} exists and is not a macvlan (${kind ?? 'plain device'})`);
    const matches = existing !== undefined && existing.link === p.base && existing.linkinfo?.info_data?.mode === 'private' && existing.address?.toLowerCase() === p.mac;
    if (existing && !matches) {
      this.log('warn', `removing ${p.name}: a macvlan on ${existing.link ?? '?'} with ${existing.address ?? '?'} (${existing.linkinfo?.info_data?.mode ?? '?'} mode), not private on ${p.base} with ${p.mac}`);
      await ip(['link', 'del', 'dev', p.name]);
    }
    if (!matches) {
      await ip(['link', 'add', 'link', p.base, 'name', p.name, 'address', p.mac, 'type', 'macvlan', 'mode', 'private']);
      this.log('info', `created ${p.name} (macvlan on ${p.base}, ${p.mac}) for vrrp_instance ${p.instance}`);
    } else {
      this.log('info', `adopted ${p.name} (macvlan on ${p.base}, ${p.mac}) for vrrp_instance ${p.instance}`);
    }
    this.owned.set(p.name, p);
    // The macvlan must not invent an IPv6 link-local address: adverts come from the base's.
    await ip(['link', 'set', 'dev', p.name, 'addrgenmode', 'none']);
    await this.configure(p);
    await ip(['link', 'set', 'dev', p.name, 'up']);
    if (p.family === 'ipv6') await this.copyLinkLocal(p);
  }

  private async configure(p: VmacPlan): Promise<void> {
    for (const [key, value] of [['arp_ignore', 1], ['accept_local', 1], ['rp_filter', 0], ['promote_secondaries', 1]] as const) {
      await writeSysctl(confPath('ipv4', p.name, key), value);
    }
    await writeSysctl(confPath('ipv6', p.name, 'disable_ipv6'), p.family === 'ipv4' ? 1 : 0);
    if (!this.baseSaved.has(p.base)) {
      const saved: Saved[] = [];
      for (const key of ['arp_ignore', 'arp_filter']) {
        const path = confPath('ipv4', p.base, key);
        const before = await readSysctl(path);
        if (before !== undefined && before !== 1) { await writeSysctl(path, 1); saved.push({ path, before, set: 1 }); }
      }
      this.baseSaved.set(p.base, saved);
    }
    if (p.family === 'ipv4') await this.clearRpFilter();
  }

  /** keepalived clear_rp_filter: only when all.rp_filter is on, and only once. */
  private async clearRpFilter(): Promise<void> {
    if (this.rpFilterSaved) return;
    const all = await readSysctl(confPath('ipv4', 'all', 'rp_filter'));
    this.rpFilterSaved = [];
    if (!all) return;
    for (const ifname of await readdir('/proc/sys/net/ipv4/conf')) {
      if (ifname === 'all' || this.owned.has(ifname)) continue;
      const path = confPath('ipv4', ifname, 'rp_filter');
      const before = await readSysctl(path);
      if (before !== undefined && before < all) { await writeSysctl(path, all); this.rpFilterSaved.push({ path, before, set: all }); }
    }
    const allPath = confPath('ipv4', 'all', 'rp_filter');
    await writeSysctl(allPath, 0);
    this.rpFilterSaved.push({ path: allPath, before: all, set: 0 });
    this.log('info', `net.ipv4.conf.all.rp_filter was ${all}: moved to each interface and set to 0 for the VRRP macvlans (restored on stop)`);
  }

  private async restoreRpFilter(): Promise<void> {
    for (const s of (this.rpFilterSaved ?? []).reverse()) {
      if ((await readSysctl(s.path)) === s.set) await writeSysctl(s.path, s.before).catch(() => undefined);
    }
    this.rpFilterSaved = undefined;
  }

  private async copyLinkLocal(p: VmacPlan): Promise<void> {
    const out = await ip(['-6', '-j', 'addr', 'show', 'dev', p.base, 'scope', 'link']);
    const ll = (JSON.parse(out) as Array<{ addr_info?: Array<{ local?: string }> }>)[0]?.addr_info?.find((a) => a.local?.startsWith('fe80'))?.local;
    if (!ll) throw new VmacError(`${p.base} has no IPv6 link-local address to send adverts from`);
    await ip(['-6', 'addr', 'replace', `${ll}/64`, 'dev', p.name, 'nodad']);
  }

  private async remove(name: string): Promise<void> {
    const p = this.owned.get(name);
    this.owned.delete(name);
    await ip(['link', 'del', 'dev', name]).catch((err: Error) => this.log('warn', `cannot delete ${name}: ${err.message}`));
    if (!p || [...this.owned.values()].some((o) => o.base === p.base)) return;
    for (const s of this.baseSaved.get(p.base) ?? []) {
      if ((await readSysctl(s.path)) === s.set) await writeSysctl(s.path, s.before).catch(() => undefined);
    }
    this.baseSaved.delete(p.base);
  }
}
