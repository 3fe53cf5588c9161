// Wire capture for integration tests and the failover bench: tcpdump inside a namespace on one
// interface, writing pcap to stdout (`-U --immediate-mode -w -`) which is parsed here frame by
// frame. Parsing real bytes (not tcpdump's text) keeps every field exact; each record gets a
// monotonic arrival time (`performance.now()`, comparable with the test's own clock) and the
// kernel's capture time (wall clock, microseconds) for precise intervals between frames.
//
// Records: VRRP adverts (IPv4 and IPv6: src, dst, TTL/hop limit, version, vrid, priority, advert
// interval), gratuitous ARPs (sender MAC and IP) and unsolicited neighbour advertisements (source
// MAC, target, flags). Stop it with stop(); NetnsLab.cleanup() also kills it (it is tracked).
import type { ChildProcess } from 'node:child_process';
import { NetnsLab, stopProcess, waitFor } from './netns.js';

interface Stamp {
  /** performance.now() when the frame reached this process. */
  atMs: number;
  /** Kernel capture time, ms since the epoch (µs precision). */
  wallMs: number;
}

export interface CapturedAdvert extends Stamp {
  family: 'ipv4' | 'ipv6';
  src: string;
  dst: string;
  ttl: number;
  version: number;
  vrid: number;
  priority: number;
  /** v2: seconds; v3: centiseconds (as on the wire). */
  advertInt: number;
  payload: Buffer;
  /** The IP header as sent (IPv4 with options, or the fixed 40-byte IPv6 header). */
  ipHeader: Buffer;
}

export interface CapturedGarp extends Stamp {
  senderMac: string;
  ip: string;
  /** 1 = request (keepalived's form), 2 = reply. */
  op: number;
}

export interface CapturedNa extends Stamp {
  srcMac: string;
  src: string;
  dst: string;
  target: string;
  router: boolean;
  solicited: boolean;
  override: boolean;
}

const mac = (b: Buffer): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
const ip4 = (b: Buffer): string => [...b].join('.');
/** Compressed IPv6 text, as `ip` and node:net print it. */
export function ip6(b: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

export class WireCapture {
  readonly adverts: CapturedAdvert[] = [];
  readonly garps: CapturedGarp[] = [];
  readonly nas: CapturedNa[] = [];
  /** Frames that were captured but are none of the above (or truncated). */
  other = 0;
  private pending: Buffer = Buffer.alloc(0);
  private headerSeen = false;
  private littleEndian = true;

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => this.feed(d));
  }

  /** Starts tcpdump in `ns` on `ifname`; resolves once it is listening. */
  static async start(lab: NetnsLab, ns: string, ifname: string, timeoutMs = 10_000): Promise<WireCapture> {
    const child = lab.spawn(ns, 'tcpdump', ['-n', '-U', '--immediate-mode', '-i', ifname, '-w', '-', 'proto 112 or arp or icmp6 or (ip6 and ip6[6] == 112)']);
    const cap = new WireCapture(child);
    let listening = false;
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('listening on')) listening = true;
    });
    try {
      await waitFor(() => listening || child.exitCode !== null, timeoutMs, 20);
    } catch {
      throw new Error(`tcpdump on ${ns}/${ifname} did not start: ${stderr.trim()}`);
    }
    if (!listening) throw new Error(`tcpdump on ${ns}/${ifname} exited: ${stderr.trim()}`);
    return cap;
  }

  async stop(): Promise<void> {
    await stopProcess(this.child);
  }

  /** Waits for an advert matching `pred` that arrived at or after `sinceMs` (performance.now()). */
  waitForAdvert(pred: (a: CapturedAdvert) => boolean, timeoutMs: number, sinceMs = 0): Promise<CapturedAdvert> {
    return waitFor(() => this.adverts.find((a) => a.atMs >= sinceMs && pred(a)), timeoutMs, 10);
  }

  waitForGarp(ip: string, timeoutMs: number, sinceMs = 0): Promise<CapturedGarp> {
    return waitFor(() => this.garps.find((g) => g.atMs >= sinceMs && g.ip === ip), timeoutMs, 10);
  }

  waitForNa(target: string, timeoutMs: number, sinceMs = 0): Promise<CapturedNa> {
    return waitFor(() => this.nas.find((n) => n.atMs >= sinceMs && n.target === target), timeoutMs, 10);
  }

  private feed(data: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    if (!this.headerSeen) {
      if (this.pending.length < 24) return;
      this.littleEndian = this.pending.readUInt32LE(0) === 0xa1b2c3d4;
      this.pending = this.pending.subarray(24);
      this.headerSeen = true;
    }
    const u32 = (o: number): number => (this.littleEndian ? this.pending.readUInt32LE(o) : this.pending.readUInt32BE(o));
    while (this.pending.length >= 16) {
      const caplen = u32(8);
      if (this.pending.length < 16 + caplen) return;
      const stamp: Stamp = { atMs: performance.now(), wallMs: u32(0) * 1000 + u32(4) / 1000 };
      this.frame(Buffer.from(this.pending.subarray(16, 16 + caplen)), stamp);
      this.pending = this.pending.subarray(16 + caplen);
    }
  }

  private frame(f: Buffer, stamp: Stamp): void {
    if (f.length < 14) { this.other++; return; }
    const type = f.readUInt16BE(12);
    if (type === 0x0806 && f.length >= 42) {
      this.garps.push({ ...stamp, senderMac: mac(f.subarray(22, 28)), ip: ip4(f.subarray(28, 32)), op: f.readUInt16BE(20) });
      return;
    }
    if (type === 0x0800 && f.length >= 34 && f[23] === 112) {
      const ihl = (f[14]! & 0x0f) * 4;
      const p = f.subarray(14 + ihl, 14 + f.readUInt16BE(16));
      if (p.length >= 8) {
        this.adverts.push(this.advert('ipv4', ip4(f.subarray(26, 30)), ip4(f.subarray(30, 34)), f[22]!, p, f.subarray(14, 14 + ihl), stamp));
        return;
      }
    }
    if (type === 0x86dd && f.length >= 54) {
      const next = f[20]!;
      const p = f.subarray(54, 54 + f.readUInt16BE(18));
      const src = ip6(f.subarray(22, 38));
      const dst = ip6(f.subarray(38, 54));
      if (next === 112 && p.length >= 8) {
        this.adverts.push(this.advert('ipv6', src, dst, f[21]!, p, f.subarray(14, 54), stamp));
        return;
      }
      if (next === 58 && p[0] === 136 && p.length >= 24) {
        const flags = p[4]!;
        // Source MAC from the target link-layer option when present, else the Ethernet header.
        const opt = p.length >= 32 && p[24] === 2 ? p.subarray(26, 32) : f.subarray(6, 12);
        this.nas.push({ ...stamp, srcMac: mac(opt), src, dst, target: ip6(p.subarray(8, 24)), router: (flags & 0x80) !== 0, solicited: (flags & 0x40) !== 0, override: (flags & 0x20) !== 0 });
        return;
      }
    }
    this.other++;
  }

  private advert(family: 'ipv4' | 'ipv6', src: string, dst: string, ttl: number, p: Buffer, ipHeader: Buffer, stamp: Stamp): CapturedAdvert {
    const version = p[0]! >> 4;
    // v2: byte 5 is the interval in seconds; v3: 12-bit centiseconds in bytes 4-5.
    const advertInt = version === 3 ? p.readUInt16BE(4) & 0x0fff : p[5]!;
    return { ...stamp, family, src, dst, ttl, version, vrid: p[1]!, priority: p[2]!, advertInt, payload: Buffer.from(p), ipHeader: Buffer.from(ipHeader) };
  }
}
