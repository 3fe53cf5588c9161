// One face for both kinds of director, so a scenario is written once and run for a ka-ts pair,
// a keepalived pair and the mixed pairs.
import type { NetnsLab } from '../lib/netns.js';
import { KeepalivedPeer, type KaNotification, type KaPeerSpec } from '../lib/keepalived-peer.js';
import { KaTsDaemon } from '../lib/ka-ts-daemon.js';

export type DirectorImpl = 'ka-ts' | 'keepalived';

export interface TestDirector {
  readonly impl: DirectorImpl;
  readonly ns: string;
  readonly log: string[];
  holds(vip: string): Promise<boolean>;
  notifications(): KaNotification[];
  lastState(name: string): string | undefined;
  waitForState(name: string, state: string, timeoutMs: number): Promise<void>;
  stop(graceMs?: number): Promise<void>;
  crash(): void;
  waitExit(timeoutMs?: number): Promise<void>;
  removeFiles(): void;
}

export function startDirector(impl: DirectorImpl, lab: NetnsLab, ns: string, spec: KaPeerSpec): TestDirector {
  // ka-ts is the real daemon (`ka-ts -P -n -l -f keepalived.conf`) on the very keepalived.conf the
  // keepalived peer would run: the drop-in claim, tested as operators would use it.
  const d = impl === 'ka-ts' ? KaTsDaemon.fromPeerSpec(lab, ns, spec) : KeepalivedPeer.start(lab, ns, spec);
  return Object.assign(d, { impl }) as unknown as TestDirector;
}

/** Stops and removes every director; for `finally`. */
export async function stopAll(ds: TestDirector[]): Promise<void> {
  for (const d of ds) await d.stop().catch(() => undefined);
  for (const d of ds) d.removeFiles();
}
