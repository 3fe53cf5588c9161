// Records when addresses appear in a namespace, from `ip -ts -o monitor address`: the kernel tells
// us the moment the VIP is added, instead of the bench polling `ip addr` and adding its own delay.
import type { ChildProcess } from 'node:child_process';
import type { NetnsLab } from '../test/integration/lib/netns.js';

export interface AddressEvent {
  atMs: number;
  added: boolean;
  addr: string;
}

/** `[2026-11-23T09:51:04.123456] [Deleted ]3: eth0    inet 10.77.0.100/24 ...` → event. */
export function parseMonitorLine(line: string): AddressEvent | undefined {
  const m = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d+)\]\s+(Deleted\s+)?\d+:\s+\S+\s+inet6?\s+(\S+?)(?:\/\d+)?\s/.exec(line);
  if (!m) return undefined;
  // ip prints local time; Date parses a zone-less ISO date-time as local time too.
  const atMs = new Date(`${m[1]}`).getTime() + Number(`0.${m[2]}`) * 1000;
  return { atMs, added: m[3] === undefined, addr: m[4]! };
}

export class AddressWatch {
  readonly events: AddressEvent[] = [];
  private constructor(readonly child: ChildProcess) {
    let rest = '';
    child.stdout?.on('data', (b: Buffer) => {
      rest += b.toString();
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) {
        const e = parseMonitorLine(l);
        if (e) this.events.push(e);
      }
    });
  }

  static start(lab: NetnsLab, ns: string): AddressWatch {
    return new AddressWatch(lab.spawn(ns, 'ip', ['-ts', '-o', 'monitor', 'address']));
  }

  firstAdded(addr: string, sinceMs: number): number | undefined {
    return this.events.find((e) => e.added && e.addr === addr && e.atMs >= sinceMs)?.atMs;
  }
}
