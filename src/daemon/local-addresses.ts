// The addresses configured on this host, for ha_suspend: keepalived learns them from netlink;
// ka-ts asks iproute2 (`ip -j addr`) when the VRRP process reports a transition and every few
// seconds, which also catches addresses added by hand.
import { execFile } from 'node:child_process';

/** The host's addresses, or undefined when they cannot be read (the caller keeps its last view). */
export async function localAddresses(): Promise<string[] | undefined> {
  return await new Promise((resolve) => {
    execFile('ip', ['-j', 'addr', 'show'], { timeout: 5000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => {
      if (err) {
        resolve(undefined);
        return;
      }
      try {
        const links = JSON.parse(stdout) as Array<{ addr_info?: Array<{ local?: string }> }>;
        resolve(links.flatMap((l) => (l.addr_info ?? []).map((a) => a.local).filter((a): a is string => typeof a === 'string')));
      } catch {
        resolve(undefined);
      }
    });
  });
}
