// Notes when each VIP appears on or leaves a director, from `ip monitor address` in its namespace
// (an event stream, so the time is the kernel's notification, not a polling period).
import { spawn, type ChildProcess } from 'node:child_process';

export interface VipChange { atMs: number; ns: string; address: string; added: boolean }

export class VipWatch {
  readonly changes: VipChange[] = [];
  private readonly children: ChildProcess[] = [];

  /** `namespaces`: the directors' namespaces; '' watches this host's own network namespace. */
  static async start(namespaces: readonly string[], vips: readonly string[]): Promise<VipWatch> {
    const w = new VipWatch();
    for (const ns of namespaces) {
      const child = spawn('ip', [...(ns ? ['-n', ns] : []), 'monitor', 'address'], { stdio: ['ignore', 'pipe', 'pipe'] });
      w.children.push(child);
      let rest = '';
      child.stdout!.on('data', (b: Buffer) => {
        const at = Date.now();
        rest += b.toString();
        const lines = rest.split('\n');
        rest = lines.pop() ?? '';
        for (const l of lines) {
          const m = /inet6? ([0-9a-f.:]+)\//.exec(l);
          if (m && vips.includes(m[1]!)) w.changes.push({ atMs: at, ns, address: m[1]!, added: !l.startsWith('Deleted') });
        }
      });
    }
    // `ip monitor` has no "ready" line; give it a moment to subscribe before the fault.
    await new Promise((r) => setTimeout(r, 150));
    return w;
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map((c) => new Promise<void>((r) => {
      if (c.exitCode !== null || c.signalCode !== null) return r();
      c.once('exit', () => r());
      c.kill('SIGTERM');
    })));
  }
}
