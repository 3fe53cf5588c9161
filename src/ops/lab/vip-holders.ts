// Who holds which VIP in a lab: the director carrying a VRRP instance's addresses is its MASTER.
// Read from the kernel's address table, so it works the same for keepalived and ka-ts directors.
import type { LabConfig } from './lab-config.js';
import type { LabState } from './state.js';
import { addressesIn } from './sh.js';

export interface VipHolding { director: 'd1' | 'd2'; ns: string; vips: string[] }

export function labVips(cfg: Pick<LabConfig, 'instances'>, state: Pick<LabState, 'plan'>): string[] {
  const v = cfg.instances.flatMap((i) => i.vips.map((x) => x.address));
  if (state.plan.addedDip) v.push(state.plan.addedDip.address);
  return v;
}

export async function vipHoldings(state: LabState, vips: readonly string[]): Promise<VipHolding[]> {
  const out: VipHolding[] = [];
  for (const d of state.directors) {
    const addrs = await addressesIn(d.ns);
    const mine = [...addrs.values()].flat();
    out.push({ director: d.id, ns: d.ns, vips: vips.filter((v) => mine.includes(v)) });
  }
  return out;
}

/** The director holding every VIP, when exactly one does and the other holds none. */
export function soleMaster(h: readonly VipHolding[], vips: readonly string[]): VipHolding | undefined {
  const full = h.filter((x) => x.vips.length === vips.length);
  const none = h.filter((x) => x.vips.length === 0);
  return full.length === 1 && none.length === h.length - 1 ? full[0] : undefined;
}
