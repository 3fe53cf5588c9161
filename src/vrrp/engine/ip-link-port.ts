// LinkPort from iproute2: facts from `ip -j addr show dev IF`, changes from one long-running
// `ip -o monitor link` (the kernel pushes every change over netlink; no polling delay). An
// interface counts as up when it is administratively UP and has carrier (LOWER_UP), which is
// keepalived's IFF_UP && IFF_RUNNING.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import type { InterfaceFacts, LinkPort } from './ports.js';

const execFileP = promisify(execFile);

interface IpAddrJson {
  ifindex: number;
  ifname: string;
  flags?: string[];
  address?: string;
  addr_info?: Array<{ family: string; local: string; scope?: string; secondary?: boolean }>;
}

export function factsFromIpJson(json: string): InterfaceFacts | undefined {
  const l = (JSON.parse(json) as IpAddrJson[])[0];
  if (!l) return undefined;
  const flags = l.flags ?? [];
  const v4 = (l.addr_info ?? []).find((a) => a.family === 'inet' && !a.secondary);
  const ll = (l.addr_info ?? []).find((a) => a.family === 'inet6' && a.scope === 'link');
  return {
    ifindex: l.ifindex,
    mac: l.address ?? '',
    up: flags.includes('UP') && flags.includes('LOWER_UP'),
    ...(v4 ? { ipv4: v4.local } : {}),
    ...(ll ? { ipv6LinkLocal: ll.local } : {}),
  };
}

/** `3: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ...` (or `Deleted 3: ...`) → name and up. */
export function parseLinkMonitorLine(text: string): { ifname: string; up: boolean } | undefined {
  const m = /^(Deleted\s+)?\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>/.exec(text);
  if (!m) return undefined;
  const flags = m[3]!.split(',');
  return { ifname: m[2]!, up: !m[1] && flags.includes('UP') && flags.includes('LOWER_UP') };
}

export class IpLinkPort implements LinkPort {
  private readonly ifindexes = new Map<string, number>();

  async facts(ifname: string): Promise<InterfaceFacts | undefined> {
    try {
      const { stdout } = await execFileP('ip', ['-j', 'addr', 'show', 'dev', ifname]);
      const f = factsFromIpJson(stdout);
      if (f) this.ifindexes.set(ifname, f.ifindex);
      return f;
    } catch {
      return undefined;
    }
  }

  /** The ifindex learned by the last `facts` call for `ifname`. */
  ifindex(ifname: string): number | undefined {
    return this.ifindexes.get(ifname);
  }

  watch(onChange: (ifname: string, up: boolean) => void): () => void {
    let child: ChildProcess | undefined;
    let stopped = false;
    let restart: NodeJS.Timeout | undefined;
    const startMonitor = (): void => {
      restart = undefined;
      // A restart timer that fires after stop must not spawn a monitor nothing would ever kill.
      if (stopped) return;
      child = spawn('ip', ['-o', 'monitor', 'link'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let rest = '';
      child.stdout?.on('data', (b: Buffer) => {
        rest += b.toString();
        const lines = rest.split('\n');
        rest = lines.pop() ?? '';
        for (const l of lines) {
          const e = parseLinkMonitorLine(l);
          if (e) onChange(e.ifname, e.up);
        }
      });
      // The monitor must not silently vanish: restart it if it dies while we still watch.
      child.on('exit', () => { if (!stopped) restart = setTimeout(startMonitor, 200); });
    };
    startMonitor();
    return () => {
      stopped = true;
      if (restart) clearTimeout(restart);
      restart = undefined;
      child?.kill('SIGTERM');
    };
  }
}
