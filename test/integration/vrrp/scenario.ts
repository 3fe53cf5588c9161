// Shared set-up for VRRP interop scenarios: a lab with two directors and a client on a bridge, a
// tcpdump witness on the client, two directors of the requested implementations, and cleanup of
// all of it (processes by PID, namespaces, temp files) whatever happens.
import { NetnsLab } from '../lib/netns.js';
import type { KaPeerInstance, KaPeerSpec } from '../lib/keepalived-peer.js';
import { buildDirectorLab, type DirectorLab, type Node } from './director-lab.js';
import { WireWatch } from './tcpdump-capture.js';
import { startDirector, stopAll, type DirectorImpl, type TestDirector } from './directors.js';

export interface Scenario {
  dl: DirectorLab;
  d1: Node;
  d2: Node;
  wire: WireWatch;
  /** Starts a director on node 1 or 2 (index 0/1); it is stopped at cleanup. */
  start(index: 0 | 1, impl: DirectorImpl, spec: KaPeerSpec): TestDirector;
}

export async function withScenario(body: (s: Scenario) => Promise<void>): Promise<void> {
  const lab = new NetnsLab('vrrp');
  const started: TestDirector[] = [];
  try {
    const dl = await buildDirectorLab(lab, 2);
    const wire = await WireWatch.start(lab, dl.client.ns, 'eth0');
    const s: Scenario = {
      dl, d1: dl.directors[0]!, d2: dl.directors[1]!, wire,
      start(index, impl, spec) {
        const d = startDirector(impl, lab, dl.directors[index]!.ns, spec);
        started.push(d);
        return d;
      },
    };
    await body(s);
  } finally {
    await stopAll(started);
    await lab.cleanup();
  }
}

/** An instance description with the defaults the scenarios share (VRID 51, eth0, no GARP delay). */
export function instance(over: Partial<KaPeerInstance> & Pick<KaPeerInstance, 'priority' | 'state'>): KaPeerInstance {
  return { name: 'VI_1', interface: 'eth0', vrid: 51, advertInt: 0.2, version: 3, vips: ['10.77.0.100/24'], garpMasterDelay: 0, ...over };
}

/** Generous bound for a takeover at advert_int `adv` s: 3 × adv + skew (< adv) + start-up and load slack. */
export const takeoverMs = (adv: number): number => Math.round(4 * adv * 1000 + 3000);
