// Runs host tools (ip, nft, sysctl, tcpdump) for the lab, drill and doctor; inside a namespace via
// `ip netns exec`, the way an operator would type it.
import { execFile } from 'node:child_process';

export interface ShResult { stdout: string; stderr: string; code: number }

export class ShError extends Error {
  constructor(readonly command: string, readonly code: number, readonly stderr: string) {
    super(`${command} failed (${code}): ${stderr.trim()}`);
    this.name = 'ShError';
  }
}

export function sh(cmd: string, args: readonly string[], allowFail = false, timeoutMs = 20_000): Promise<ShResult> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 32 * 1024 * 1024, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (!err) return resolve({ stdout, stderr, code: 0 });
      const e = err as NodeJS.ErrnoException & { code?: number | string };
      const code = typeof e.code === 'number' ? e.code : 127;
      const r = { stdout, stderr: stderr || e.message, code };
      if (allowFail) resolve(r);
      else reject(new ShError(`${cmd} ${args.join(' ')}`, code, r.stderr));
    });
  });
}

/** `ip netns exec NS CMD ARGS` (or plain CMD on the host when ns is undefined). */
export function nsSh(ns: string | undefined, cmd: string, args: readonly string[], allowFail = false, timeoutMs?: number): Promise<ShResult> {
  return ns === undefined ? sh(cmd, args, allowFail, timeoutMs) : sh('ip', ['netns', 'exec', ns, cmd, ...args], allowFail, timeoutMs);
}

export async function listNamespaces(): Promise<string[]> {
  const r = await sh('ip', ['netns', 'list'], true);
  return r.stdout.split('\n').map((l) => l.split(/\s+/)[0]!).filter(Boolean);
}

/** The IPv4 addresses (without prefix) on each interface of a namespace. */
export async function addressesIn(ns: string | undefined): Promise<Map<string, string[]>> {
  const r = await nsSh(ns, 'ip', ['-o', '-4', 'addr', 'show'], true);
  const out = new Map<string, string[]>();
  for (const l of r.stdout.split('\n')) {
    const m = /^\d+:\s+(\S+)\s+inet\s+([\d.]+)\//.exec(l);
    if (m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  }
  return out;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
