// --ipvs-backend auto|ipvsadm|nft|dry-run → a backend. auto takes ipvsadm when the kernel has
// IPVS (/proc/net/ip_vs, or after `modprobe ip_vs`) and nft otherwise, and says why.
import { access } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { BackendChoice, IpvsBackend } from './backend.js';
import { DryRunBackend } from './backend-dry-run.js';
import { IpvsadmBackend } from './backend-ipvsadm.js';
import { NftBackend } from './backend-nft.js';
import { processRunner, type CommandRunner } from './command-runner.js';

export interface SelectOptions {
  /** Runs ipvsadm / nft / modprobe (default: directly; a prefix such as `ip netns exec NS` for tests). */
  run?: CommandRunner;
  /** Where dry-run prints (default stdout). */
  dryRunOut?: Writable;
  /** Path probed for kernel IPVS (default /proc/net/ip_vs). */
  procIpvs?: string;
  onNftInconsistency?: (message: string) => void;
}

export interface SelectedBackend {
  backend: IpvsBackend;
  /** One line for the log: which backend and why. */
  reason: string;
}

async function exists(path: string): Promise<boolean> {
  try { await access(path); return true; } catch { return false; }
}

/** Whether the kernel has IPVS, loading the module if needed. */
export async function kernelHasIpvs(run: CommandRunner, procIpvs = '/proc/net/ip_vs'): Promise<{ yes: boolean; why: string }> {
  if (await exists(procIpvs)) return { yes: true, why: `${procIpvs} exists` };
  let modprobe: string;
  try {
    const r = await run('modprobe', ['ip_vs']);
    modprobe = r.code === 0 ? 'modprobe ip_vs succeeded' : `modprobe ip_vs failed: ${r.stderr.trim() || `exit ${r.code}`}`;
  } catch (e) {
    modprobe = `modprobe not runnable: ${(e as Error).message}`;
  }
  if (await exists(procIpvs)) return { yes: true, why: modprobe };
  return { yes: false, why: `no ${procIpvs}; ${modprobe}` };
}

export async function selectBackend(choice: BackendChoice, opts: SelectOptions = {}): Promise<SelectedBackend> {
  const run = opts.run ?? processRunner();
  const nft = (): NftBackend => new NftBackend({ run, ...(opts.onNftInconsistency ? { onInconsistency: opts.onNftInconsistency } : {}) });
  switch (choice) {
    case 'ipvsadm': return { backend: new IpvsadmBackend({ run }), reason: 'ipvsadm (--ipvs-backend ipvsadm)' };
    case 'nft': return { backend: nft(), reason: 'nft (--ipvs-backend nft)' };
    case 'dry-run': return { backend: new DryRunBackend(opts.dryRunOut), reason: 'dry-run (--ipvs-backend dry-run): changes are printed, not applied' };
    case 'auto': {
      const k = await kernelHasIpvs(run, opts.procIpvs);
      return k.yes
        ? { backend: new IpvsadmBackend({ run }), reason: `ipvsadm (auto: kernel has IPVS, ${k.why})` }
        : { backend: nft(), reason: `nft (auto: kernel has no IPVS, ${k.why})` };
    }
  }
}
