// The engine's LinkPort (facts + watch) over interface-facts and LinkMonitor.
import type { InterfaceFacts as EngineInterfaceFacts, LinkPort } from '../engine/ports.js';
import { interfaceFacts } from './interface-facts.js';
import { LinkMonitor } from './link-monitor.js';
import { InterfaceNotFoundError } from './errors.js';

export class LinkPortAdapter implements LinkPort {
  private started: Promise<void> = Promise.resolve();

  constructor(private readonly netns?: string) {}

  /** Resolves once the latest watch() has its initial snapshot (changes after it are reported). */
  ready(): Promise<void> {
    return this.started;
  }

  async facts(ifname: string): Promise<EngineInterfaceFacts | undefined> {
    try {
      const f = await interfaceFacts(ifname, this.netns);
      const out: EngineInterfaceFacts = { ifindex: f.ifindex, mac: f.mac, up: f.up };
      if (f.ipv4) out.ipv4 = f.ipv4;
      if (f.ipv6LinkLocal) out.ipv6LinkLocal = f.ipv6LinkLocal;
      return out;
    } catch (err) {
      if (err instanceof InterfaceNotFoundError) return undefined;
      throw err;
    }
  }

  /** Every change of an interface's running state; the initial states are not reported. */
  watch(onChange: (ifname: string, up: boolean) => void): () => void {
    const monitor = new LinkMonitor(onChange, this.netns, false);
    // A failed first snapshot is not fatal: monitor events still arrive, and a restart resyncs.
    this.started = monitor.start().catch(() => {});
    return () => monitor.stop();
  }
}
