// Runs the drill's HTTP client inside the lab's client namespace and collects its results.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ClientResult { ok: boolean; sentMs: number; doneMs: number }

const MAIN = fileURLToPath(new URL('./client-probe-main.js', import.meta.url));

export class ClientProbe {
  readonly results: ClientResult[] = [];
  private constructor(private readonly child: ChildProcess) {}

  static start(ns: string, url: string, everyMs = 20, timeoutMs = 150): ClientProbe {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, MAIN, url, String(everyMs), String(timeoutMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const p = new ClientProbe(child);
    let rest = '';
    child.stdout!.on('data', (b: Buffer) => {
      rest += b.toString();
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) {
        const m = /^(ok|fail) (\d+) (\d+)$/.exec(l);
        if (m) p.results.push({ ok: m[1] === 'ok', sentMs: Number(m[2]), doneMs: Number(m[3]) });
      }
    });
    return p;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const done = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    await done;
  }
}
