// `ka-ts lab status`: namespaces, processes (alive or not), who is MASTER and which VIPs each holds.
import { loadLabConfig } from './lab-config.js';
import { isAlive } from './processes.js';
import { readLabState } from './state.js';
import { labPrefix } from './plan.js';
import { listNamespaces } from './sh.js';
import { labVips, soleMaster, vipHoldings, type VipHolding } from './vip-holders.js';

export interface LabStatus {
  name: string;
  up: boolean;
  namespaces: string[];
  processes: { role: string; ns: string; pid: number; alive: boolean }[];
  holdings: VipHolding[];
  master?: string;
  notes: string[];
}

export async function labStatus(name: string): Promise<LabStatus> {
  const namespaces = (await listNamespaces()).filter((n) => n.startsWith(labPrefix(name))).sort();
  const state = await readLabState(name);
  if (!state) return { name, up: false, namespaces, processes: [], holdings: [], notes: namespaces.length ? ['leftover namespaces without a state file: run `ka-ts lab down`'] : [] };
  const processes = [];
  for (const p of state.processes) processes.push({ role: p.role, ns: p.ns, pid: p.pid, alive: await isAlive(p.pid, p.marker) });
  const cfg = await loadLabConfig(state.conf);
  const vips = labVips(cfg, state);
  const holdings = await vipHoldings(state, vips);
  const m = soleMaster(holdings, vips);
  return { name, up: processes.every((p) => p.alive), namespaces, processes, holdings, ...(m ? { master: m.director } : {}), notes: state.notes };
}

export function formatLabStatus(s: LabStatus): string {
  const L: string[] = [`lab ${s.name}: ${s.up ? 'up' : 'not (fully) up'}`];
  L.push(`namespaces: ${s.namespaces.join(' ') || '(none)'}`);
  for (const p of s.processes) L.push(`  ${p.alive ? 'running' : 'DEAD   '} pid ${String(p.pid).padEnd(7)} ${p.role}  [${p.ns}]`);
  for (const h of s.holdings) L.push(`  ${h.director}: ${h.vips.length ? `holds ${h.vips.join(', ')}` : 'holds no VIP'}`);
  L.push(`MASTER: ${s.master ?? (s.holdings.length ? 'none or split (see VIPs above)' : '-')}`);
  for (const n of s.notes) L.push(`note: ${n}`);
  return L.join('\n') + '\n';
}
