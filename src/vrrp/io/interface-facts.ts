// Interface facts (ifindex, MAC, up, primary IPv4, link-local IPv6) from `ip -j addr show`.
// iproute2's JSON is stable and already resolves what netlink would give us; the VRRP process
// reads it at start and on link events only, so the process cost does not matter.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { InterfaceNotFoundError } from './errors.js';

const execFileP = promisify(execFile);

export interface InterfaceFacts {
  ifname: string;
  ifindex: number;
  mac: string;
  /** Administratively up and with carrier (IFF_UP and LOWER_UP), keepalived's "running". */
  up: boolean;
  /** First non-secondary IPv4 address (keepalived's primary address for VRRPv2/3 source). */
  ipv4?: string;
  /** First link-local IPv6 address. */
  ipv6LinkLocal?: string;
  /** IPv6 forwarding on this interface (sets the Router flag of unsolicited NAs). */
  ipv6Forwarding?: boolean;
}

interface IpJsonAddrInfo { family: string; local: string; scope?: string; secondary?: boolean; temporary?: boolean; tentative?: boolean }
interface IpJsonLink { ifindex: number; ifname: string; flags?: string[]; address?: string; addr_info?: IpJsonAddrInfo[] }

/** keepalived's "running": administratively UP with carrier (LOWER_UP and no NO-CARRIER). */
export function isRunning(flags: readonly string[]): boolean {
  return flags.includes('UP') && flags.includes('LOWER_UP') && !flags.includes('NO-CARRIER');
}

/** Parses `ip -j addr show` output (pure; exported for unit tests). */
export function parseIpAddrJson(json: string): InterfaceFacts[] {
  const links = JSON.parse(json) as IpJsonLink[];
  return links.map((l) => {
    const flags = l.flags ?? [];
    const facts: InterfaceFacts = {
      ifname: l.ifname,
      ifindex: l.ifindex,
      mac: l.address ?? '00:00:00:00:00:00',
      up: isRunning(flags),
    };
    const v4 = (l.addr_info ?? []).find((a) => a.family === 'inet' && !a.secondary);
    if (v4) facts.ipv4 = v4.local;
    const ll = (l.addr_info ?? []).find((a) => a.family === 'inet6' && a.scope === 'link');
    if (ll) facts.ipv6LinkLocal = ll.local;
    return facts;
  });
}

/** `ip [-n NS] ...` argument prefix. */
export function ipArgs(netns: string | undefined, args: string[]): string[] {
  return netns ? ['-n', netns, ...args] : args;
}

/** Facts for every interface (in `netns` when given). */
export async function allInterfaceFacts(netns?: string): Promise<InterfaceFacts[]> {
  const { stdout } = await execFileP('ip', ipArgs(netns, ['-j', 'addr', 'show']));
  return parseIpAddrJson(stdout);
}

/** Facts for one interface; throws InterfaceNotFoundError when it does not exist. */
export async function interfaceFacts(ifname: string, netns?: string): Promise<InterfaceFacts> {
  let stdout: string;
  try {
    ({ stdout } = await execFileP('ip', ipArgs(netns, ['-j', 'addr', 'show', 'dev', ifname])));
  } catch {
    throw new InterfaceNotFoundError(ifname);
  }
  const facts = parseIpAddrJson(stdout)[0];
  if (!facts) throw new InterfaceNotFoundError(ifname);
  const fwd = await ipv6Forwarding(ifname, netns);
  if (fwd !== undefined) facts.ipv6Forwarding = fwd;
  return facts;
}

/** /proc/sys/net/ipv6/conf/IF/forwarding (read inside `netns` when given); undefined without IPv6. */
async function ipv6Forwarding(ifname: string, netns?: string): Promise<boolean | undefined> {
  const path = `/proc/sys/net/ipv6/conf/${ifname}/forwarding`;
  try {
    const text = netns ? (await execFileP('ip', ['netns', 'exec', netns, 'cat', path])).stdout : await readFile(path, 'utf8');
    return text.trim() === '1';
  } catch {
    return undefined;
  }
}
