// Watches a link with tcpdump for VRRP adverts and gratuitous ARP while a drill runs. tcpdump is
// the independent witness: it shows what crossed the wire, whoever sent it.
import { spawn, type ChildProcess } from 'node:child_process';
import { parseWireLine, type WireEvent } from './wire-events.js';

export class CaptureError extends Error {
  constructor(message: string) { super(message); this.name = 'CaptureError'; }
}

export class WireCapture {
  readonly events: WireEvent[] = [];
  private constructor(private readonly child: ChildProcess) {}

  /** Starts tcpdump on `ifname` (inside `ns` when given) and resolves once it is listening. */
  static async start(ns: string | undefined, ifname: string): Promise<WireCapture> {
    const argv = ['tcpdump', '-i', ifname, '-nn', '-e', '-tt', '-l', '-U', 'arp or ip proto 112'];
    const child = ns ? spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    const cap = new WireCapture(child);
    let rest = '';
    child.stdout!.on('data', (b: Buffer) => {
      rest += b.toString();
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) { const e = parseWireLine(l); if (e) cap.events.push(e); }
    });
    await new Promise<void>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new CaptureError(`tcpdump did not start on ${ifname}: ${err.trim()}`)), 5000);
      child.stderr!.on('data', (b: Buffer) => {
        err += b.toString();
        if (err.includes('listening on')) { clearTimeout(timer); resolve(); }
      });
      child.on('exit', () => { clearTimeout(timer); reject(new CaptureError(`tcpdump exited on ${ifname}: ${err.trim()}`)); });
      child.on('error', (e) => { clearTimeout(timer); reject(new CaptureError(`cannot run tcpdump: ${e.message}`)); });
    });
    return cap;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const done = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    await done;
  }
}
