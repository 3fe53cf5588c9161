// Parsers for what ipvsadm prints: `-S -n` (the rules), `-L -n --thresholds` (the -x/-y values
// that -S leaves out), `-L --timeout` and `-L --daemon`. Unknown input → IpvsParseError with the
// line, never a silent skip.
import { canonicalAddress, canonicalNetmask, familyOf } from './address.js';
import { IpvsParseError } from './errors.js';
import { canonicalSchedFlags, isSchedFlag } from './sched-flags.js';
import {
  destKey, SCHEDULERS, serviceKey,
  type Destination, type ForwardMethod, type IpvsTable, type Scheduler, type SchedFlag, type Service, type ServiceId, type SyncDaemon, type Timeouts, type TunnelChecksum,
} from './table.js';

interface Cursor { tokens: string[]; i: number; src: string; line: number; text: string }

function fail(c: Cursor, msg: string): never {
  throw new IpvsParseError(c.src, c.line, c.text, msg);
}

function next(c: Cursor, what: string): string {
  const t = c.tokens[c.i++];
  if (t === undefined) fail(c, `missing ${what}`);
  return t;
}

function int(c: Cursor, s: string, what: string): number {
  if (!/^\d+$/.test(s)) fail(c, `${what} '${s}' is not a number`);
  return Number(s);
}

/** "10.0.0.1:80" / "[2001:db8::1]:80" → address, port. */
export function parseHostPort(text: string): { address: string; port: number } | undefined {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  if (!m) return undefined;
  const address = canonicalAddress(m[1] as string);
  if (address === undefined) return undefined;
  return { address, port: Number(m[2]) };
}

function hp(c: Cursor, what: string): { address: string; port: number } {
  const t = next(c, what);
  const r = parseHostPort(t);
  if (!r) fail(c, `bad ${what} '${t}'`);
  return r;
}

function selector(c: Cursor): ServiceId {
  const opt = next(c, 'service');
  if (opt === '-t' || opt === '-u' || opt === '--sctp-service') {
    const { address, port } = hp(c, 'service address');
    return { kind: 'addr', family: familyOf(address), protocol: opt === '-t' ? 'tcp' : opt === '-u' ? 'udp' : 'sctp', address, port };
  }
  if (opt === '-f') {
    const fwmark = int(c, next(c, 'fwmark'), 'fwmark');
    let family: ServiceId['family'] = 'inet';
    if (c.tokens[c.i] === '-6') { family = 'inet6'; c.i++; }
    return { kind: 'fwmark', family, fwmark };
  }
  return fail(c, `unknown service option '${opt}'`);
}

function serviceLine(c: Cursor): Service {
  const id = selector(c);
  const s: Service = { id, scheduler: 'wlc', ops: false, flags: [] };
  let flags: SchedFlag[] = [];
  while (c.i < c.tokens.length) {
    const opt = next(c, 'option');
    switch (opt) {
      case '-s': {
        const v = next(c, 'scheduler');
        if (!(SCHEDULERS as readonly string[]).includes(v)) fail(c, `unknown scheduler '${v}'`);
        s.scheduler = v as Scheduler;
        break;
      }
      case '-p': s.persistence = { ...s.persistence, timeout: int(c, next(c, 'timeout'), 'persistence timeout') }; break;
      case '-M': {
        const m = canonicalNetmask(id.family, next(c, 'netmask'));
        if (m instanceof Error) fail(c, m.message);
        s.persistence = { timeout: s.persistence?.timeout ?? 0 };
        if (m !== undefined) s.persistence.netmask = m;
        break;
      }
      case '--pe': s.persistenceEngine = next(c, 'persistence engine'); break;
      case '-b':
        flags = next(c, 'flags').split(',').map((f) => (isSchedFlag(f) ? f : fail(c, `unknown scheduler flag '${f}'`)));
        break;
      case '-o': s.ops = true; break;
      case '-6': if (id.family !== 'inet6') fail(c, '-6 on an IPv4 service'); break;
      default: fail(c, `unknown service option '${opt}'`);
    }
  }
  s.flags = canonicalSchedFlags(s.scheduler, flags);
  return s;
}

function destLine(c: Cursor): { id: ServiceId; dest: Destination } {
  const id = selector(c);
  let addr: { address: string; port: number } | undefined;
  let method: ForwardMethod = 'route';
  const d = { weight: 1, upperThreshold: 0, lowerThreshold: 0 };
  let tunType: 'ipip' | 'gue' | 'gre' = 'ipip';
  let tunPort: number | undefined;
  let csum: TunnelChecksum | undefined;
  while (c.i < c.tokens.length) {
    const opt = next(c, 'option');
    switch (opt) {
      case '-r': addr = hp(c, 'real server'); break;
      case '-m': method = 'masq'; break;
      case '-g': method = 'route'; break;
      case '-i': method = 'tunnel'; break;
      case '-w': d.weight = int(c, next(c, 'weight'), 'weight'); break;
      case '-x': d.upperThreshold = int(c, next(c, 'u-threshold'), 'u-threshold'); break;
      case '-y': d.lowerThreshold = int(c, next(c, 'l-threshold'), 'l-threshold'); break;
      case '--tun-type': {
        const v = next(c, 'tunnel type');
        if (v !== 'ipip' && v !== 'gue' && v !== 'gre') fail(c, `unknown tunnel type '${v}'`);
        tunType = v;
        break;
      }
      case '--tun-port': tunPort = int(c, next(c, 'tunnel port'), 'tunnel port'); break;
      case '--tun-nocsum': csum = 'nocsum'; break;
      case '--tun-csum': csum = 'csum'; break;
      case '--tun-remcsum': csum = 'remcsum'; break;
      case '-6': break;
      default: fail(c, `unknown real server option '${opt}'`);
    }
  }
  if (!addr) fail(c, 'real server line without -r');
  const dest: Destination = { ...addr, method, ...d };
  if (method === 'tunnel' && tunType !== 'ipip') {
    dest.tunnel = { type: tunType, checksum: csum ?? 'nocsum' };
    if (tunPort !== undefined && tunType === 'gue') dest.tunnel.port = tunPort;
  }
  return { id, dest };
}

/** `ipvsadm -S -n` output → table (services and destinations; thresholds are 0 here). */
export function parseIpvsadmSave(text: string, src = 'ipvsadm -Sn'): IpvsTable {
  const table: IpvsTable = { services: new Map() };
  text.split('\n').forEach((raw, idx) => {
    const line = raw.trim();
    if (!line) return;
    const tokens = line.split(/\s+/);
    if (tokens[0] === 'ipvsadm') tokens.shift();
    const c: Cursor = { tokens, i: 1, src, line: idx + 1, text: raw };
    if (tokens[0] === '-A') {
      const s = serviceLine(c);
      table.services.set(serviceKey(s.id), { service: s, dests: new Map() });
    } else if (tokens[0] === '-a') {
      const { id, dest } = destLine(c);
      const e = table.services.get(serviceKey(id));
      if (!e) fail(c, `real server for unknown service ${serviceKey(id)}`);
      e.dests.set(destKey(dest), dest);
    } else {
      fail(c, 'expected -A or -a');
    }
  });
  return table;
}

/** One `-a …` line (a destination and its service's selector), e.g. the comment of an nft destination chain. */
export function parseIpvsadmDestLine(text: string, src: string): { id: ServiceId; dest: Destination } {
  const tokens = text.trim().split(/\s+/);
  if (tokens[0] === 'ipvsadm') tokens.shift();
  const c: Cursor = { tokens, i: 1, src, line: 1, text };
  if (tokens[0] !== '-a') fail(c, 'expected -a');
  return destLine(c);
}

/**
 * `ipvsadm -L -n --thresholds` → thresholds per destination, merged into `table` (from -Sn).
 * Header lines and services without destinations are skipped by shape.
 */
export function mergeIpvsadmThresholds(table: IpvsTable, text: string, src = 'ipvsadm -Ln --thresholds'): void {
  let current: string | undefined;
  text.split('\n').forEach((raw, idx) => {
    const line = raw.trim();
    if (!line || line.startsWith('IP Virtual Server') || line.startsWith('Prot ') || line === '-> RemoteAddress:Port') return;
    const t = line.split(/\s+/);
    const c: Cursor = { tokens: t, i: 0, src, line: idx + 1, text: raw };
    if (t[0] === '->') {
      const addr = parseHostPort(t[1] ?? '');
      if (!addr || t.length < 4) fail(c, 'bad real server line');
      const d = current === undefined ? undefined : table.services.get(current)?.dests.get(destKey(addr));
      if (!d) return; // changed between the two reads; the next pass sees it
      d.upperThreshold = int(c, t[2] as string, 'u-threshold');
      d.lowerThreshold = int(c, t[3] as string, 'l-threshold');
      return;
    }
    const proto = t[0];
    if (proto === 'FWM') {
      current = `-f ${int(c, t[1] ?? '', 'fwmark')}${t[2] === 'IPv6' ? ' -6' : ''}`;
    } else if (proto === 'TCP' || proto === 'UDP' || proto === 'SCTP') {
      const addr = parseHostPort(t[1] ?? '');
      if (!addr) fail(c, 'bad service line');
      current = serviceKey({ kind: 'addr', family: familyOf(addr.address), protocol: proto === 'TCP' ? 'tcp' : proto === 'UDP' ? 'udp' : 'sctp', ...addr });
    } else {
      fail(c, 'unexpected line');
    }
  });
}

/** `ipvsadm -L --timeout` → "Timeout (tcp tcpfin udp): 900 120 300". */
export function parseIpvsadmTimeouts(text: string): Timeouts {
  const m = /Timeout \(tcp tcpfin udp\):\s*(\d+)\s+(\d+)\s+(\d+)/.exec(text);
  if (!m) throw new IpvsParseError('ipvsadm -L --timeout', 1, text.trim(), 'no timeout line');
  return { tcp: Number(m[1]), tcpfin: Number(m[2]), udp: Number(m[3]) };
}

/** `ipvsadm -L --daemon` → running sync daemons. */
export function parseIpvsadmDaemons(text: string): SyncDaemon[] {
  const out: SyncDaemon[] = [];
  text.split('\n').forEach((raw, idx) => {
    const line = raw.trim();
    if (!line) return;
    const m = /^(master|backup) sync daemon \((.*)\)$/.exec(line);
    if (!m) throw new IpvsParseError('ipvsadm -L --daemon', idx + 1, raw, 'unexpected line');
    const kv = new Map((m[2] as string).split(',').map((p) => p.trim().split('=') as [string, string]));
    const d: SyncDaemon = { role: m[1] as SyncDaemon['role'], iface: kv.get('mcast') ?? '', syncId: Number(kv.get('syncid') ?? 0) };
    if (kv.has('maxlen')) d.maxLen = Number(kv.get('maxlen'));
    if (kv.has('group')) d.group = kv.get('group') as string;
    if (kv.has('port')) d.port = Number(kv.get('port'));
    if (kv.has('ttl')) d.ttl = Number(kv.get('ttl'));
    out.push(d);
  });
  return out;
}
