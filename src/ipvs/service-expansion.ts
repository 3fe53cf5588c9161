// A virtual_server's target → the IPVS service identities it stands for: one address/port, one
// fwmark, or every entry of a virtual_server_group with address ranges expanded
// (`192.168.1.1-10 80` is ten services, as keepalived creates them).
import { canonicalAddress, familyOf } from './address.js';
import { IpvsSpecError } from './errors.js';
import type { VirtualServerSpec } from './spec.js';
import type { ServiceId } from './table.js';

/** Upper bound on one range entry, so a typo cannot create millions of services. */
const MAX_RANGE = 65536;

function checkPort(where: string, port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new IpvsSpecError(where, `port ${port} is not 0-65535`);
}

function checkFwmark(where: string, mark: number): void {
  if (!Number.isInteger(mark) || mark < 1 || mark > 0xffffffff) throw new IpvsSpecError(where, `fwmark ${mark} is not 1-4294967295`);
}

function addressOrThrow(where: string, text: string): string {
  const a = canonicalAddress(text);
  if (a === undefined) throw new IpvsSpecError(where, `'${text}' is not an IP address`);
  return a;
}

/** Expands `base` (last octet / last 16-bit group) up to `end` inclusive. */
function expandRange(where: string, base: string, end: number): string[] {
  if (familyOf(base) === 'inet') {
    const parts = base.split('.');
    const first = Number(parts[3]);
    if (!Number.isInteger(end) || end < first || end > 255) throw new IpvsSpecError(where, `range end ${end} must be between ${first} and 255`);
    const out: string[] = [];
    for (let v = first; v <= end; v++) out.push([...parts.slice(0, 3), String(v)].join('.'));
    return out;
  }
  // Expand the IPv6 address to 8 groups, vary the last one.
  const url = new URL(`http://[${base}]/`).hostname.slice(1, -1);
  const [head = '', tail = ''] = url.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = url.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  const first = parseInt(groups[7] ?? '0', 16);
  if (!Number.isInteger(end) || end < first || end > 0xffff) throw new IpvsSpecError(where, `range end ${end} must be between ${first} and 65535`);
  if (end - first + 1 > MAX_RANGE) throw new IpvsSpecError(where, `range of ${end - first + 1} addresses is too large`);
  const out: string[] = [];
  for (let v = first; v <= end; v++) out.push(canonicalAddress([...groups.slice(0, 7), v.toString(16)].join(':')) as string);
  return out;
}

/** Service identities of one virtual server; throws IpvsSpecError on bad input. */
export function expandServiceIds(vs: VirtualServerSpec): ServiceId[] {
  const where = `virtual_server ${vs.id}`;
  const t = vs.target;
  if (t.kind === 'addr') {
    const address = addressOrThrow(where, t.address);
    checkPort(where, t.port);
    return [{ kind: 'addr', family: familyOf(address), protocol: vs.protocol, address, port: t.port }];
  }
  if (t.kind === 'fwmark') {
    checkFwmark(where, t.fwmark);
    return [{ kind: 'fwmark', family: t.family ?? 'inet', fwmark: t.fwmark }];
  }
  const ids: ServiceId[] = [];
  for (const e of t.entries) {
    const ew = `${where} (virtual_server_group ${t.name})`;
    if (e.kind === 'fwmark') {
      checkFwmark(ew, e.fwmark);
      ids.push({ kind: 'fwmark', family: t.family ?? 'inet', fwmark: e.fwmark });
      continue;
    }
    const address = addressOrThrow(ew, e.address);
    checkPort(ew, e.port);
    const addrs = e.rangeEnd === undefined ? [address] : expandRange(ew, address, e.rangeEnd);
    for (const a of addrs) ids.push({ kind: 'addr', family: familyOf(a), protocol: vs.protocol, address: a, port: e.port });
  }
  return ids;
}
