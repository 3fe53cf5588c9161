// Runs every doctor check against one director and returns the findings, worst first.
import { loadLabConfig } from '../lab/lab-config.js';
import { checkArpProblem } from './checks/arp-problem.js';
import { checkBackend } from './checks/backend.js';
import { checkPersistenceScheduler, checkPortMismatch } from './checks/config-rules.js';
import { checkInterfaces } from './checks/interfaces.js';
import { checkIpForward } from './checks/ip-forward.js';
import { checkRealServerRoutes } from './checks/realserver-route.js';
import { checkScripts } from './checks/scripts.js';
import { checkVipManagement } from './checks/vip-management.js';
import { checkVrrpFilter } from './checks/vrrp-filter.js';
import { makeContext } from './context.js';
import type { Finding } from './finding.js';

export interface DoctorOptions { file: string; ns?: string; realServers?: string[] }

const ORDER = { error: 0, warning: 1, info: 2 } as const;

export async function runDoctor(opts: DoctorOptions): Promise<Finding[]> {
  const cfg = await loadLabConfig(opts.file);
  const ctx = makeContext(cfg, opts.ns, opts.realServers ?? []);
  const all = await Promise.all([
    checkInterfaces(ctx), checkVrrpFilter(ctx), checkIpForward(ctx), checkRealServerRoutes(ctx), checkArpProblem(ctx),
    Promise.resolve(checkPortMismatch(cfg)), checkVipManagement(ctx), Promise.resolve(checkPersistenceScheduler(cfg)),
    checkBackend(ctx), checkScripts(ctx),
  ]);
  return all.flat().sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
}
