// What every doctor check reads from: the config, and the director to inspect (this host, or a
// network namespace with --netns), through the same tools an operator would run.
import type { LabConfig } from '../lab/lab-config.js';
import { addressesIn, nsSh, type ShResult } from '../lab/sh.js';

export interface DoctorContext {
  cfg: LabConfig;
  ns?: string;
  realServers: string[];
  sh(cmd: string, args: readonly string[], timeoutMs?: number): Promise<ShResult>;
  /** A /proc/sys value (e.g. "net/ipv4/ip_forward"), undefined when unreadable. */
  sysctl(path: string): Promise<string | undefined>;
  addresses(): Promise<Map<string, string[]>>;
}

export function makeContext(cfg: LabConfig, ns: string | undefined, realServers: string[]): DoctorContext {
  return {
    cfg, realServers,
    ...(ns !== undefined ? { ns } : {}),
    sh: (cmd, args, timeoutMs) => nsSh(ns, cmd, args, true, timeoutMs),
    sysctl: async (path) => {
      const r = await nsSh(ns, 'cat', [`/proc/sys/${path}`], true);
      return r.code === 0 ? r.stdout.trim() : undefined;
    },
    addresses: () => addressesIn(ns),
  };
}

export function at(cfg: LabConfig, line: number): string {
  return `${cfg.file}:${line}`;
}
