// One face for both kinds of director, so a scenario is written once and run for a ka-ts pair,
// a keepalived pair and the mixed pairs.
import type { NetnsLab } from '../lib/netns.js';
import { KeepalivedPeer, type KaNotification, type KaPeerSpec } from '../lib/keepalived-peer.js';
import { KaTsDirector } from './ka-ts-director.js';

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
  const d = impl === 'ka-ts' ? KaTsDirector.start(lab, ns, spec) : KeepalivedPeer.start(lab, ns, spec);
  return Object.assign(d, { impl }) as unknown as TestDirector;
}

/** Stops and removes every director; for `finally`. */
export async function stopAll(ds: TestDirector[]): Promise<void> {
  for (const d of ds) await d.stop().catch(() => undefined);
  for (const d of ds) d.removeFiles();
}
