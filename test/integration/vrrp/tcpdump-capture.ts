// Watches a link with tcpdump for the frames VRRP tests assert on: adverts (IP protocol 112),
// gratuitous ARP and unsolicited neighbour advertisements. tcpdump is the independent witness here:
// it decodes what actually crossed the wire, not what our own codec believes it sent.
import type { ChildProcess } from 'node:child_process';
import { NetnsLab, waitFor } from '../lib/netns.js';

export interface WireFrame {
  /** tcpdump's time stamp, in ms (wall clock). */
  atMs: number;
  srcMac: string;
  kind: 'vrrp' | 'garp' | 'na' | 'echo-reply' | 'other';
  /** vrrp: the VRID; garp/na: undefined. */
  vrid?: number;
  priority?: number;
  /** garp/na: the address announced. */
  target?: string;
  line: string;
}

const MAC = '([0-9a-f]{2}(?::[0-9a-f]{2}){5})';

/** Parses one `tcpdump -nn -e -tt -l` line; undefined for lines that are not frames. */
export function parseTcpdumpLine(line: string): WireFrame | undefined {
  const head = new RegExp(`^(\\d+\\.\\d+) ${MAC} > ${MAC}`).exec(line);
  if (!head) return undefined;
  const atMs = Number(head[1]) * 1000;
  const srcMac = head[2]!;
  const vrrp = /VRRPv[23], Advertisement, vrid (\d+), prio (\d+)/.exec(line);
  if (vrrp) return { atMs, srcMac, kind: 'vrrp', vrid: Number(vrrp[1]), priority: Number(vrrp[2]), line };
  // Gratuitous ARP: a request (or reply) whose sender and target protocol addresses are equal.
  const arpReq = /Request who-has (\S+)(?: \([^)]*\))? tell (\S+),/.exec(line);
  if (arpReq && arpReq[1] === arpReq[2]) return { atMs, srcMac, kind: 'garp', target: arpReq[1]!, line };
  const arpRep = /ARP.*Reply (\S+) is-at/.exec(line);
  if (arpRep) return { atMs, srcMac, kind: 'garp', target: arpRep[1]!, line };
  const na = /neighbor advertisement, tgt is (\S+?),?\s/.exec(line + ' ');
  if (na) return { atMs, srcMac, kind: 'na', target: na[1]!, line };
  if (/ICMP6? echo reply|ICMP6, echo reply/.test(line)) return { atMs, srcMac, kind: 'echo-reply', line };
  return { atMs, srcMac, kind: 'other', line };
}

export class WireWatch {
  readonly frames: WireFrame[] = [];
  private constructor(private readonly child: ChildProcess) {
    let rest = '';
    child.stdout?.on('data', (b: Buffer) => {
      rest += b.toString();
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) {
        const f = parseTcpdumpLine(l);
        if (f) this.frames.push(f);
      }
    });
  }

  /** Starts tcpdump on `ifname` in `ns` and resolves once it is listening. */
  static async start(lab: NetnsLab, ns: string, ifname: string, alsoEchoReplies = false): Promise<WireWatch> {
    const base = 'arp or ip proto 112 or ip6 proto 112 or (icmp6 and ip6[40] == 136)';
    const filter = alsoEchoReplies ? `${base} or (icmp and icmp[0] == 0) or (icmp6 and ip6[40] == 129)` : base;
    const child = lab.spawn(ns, 'tcpdump', ['-i', ifname, '-nn', '-e', '-tt', '-l', '-U', filter]);
    let err = '';
    child.stderr?.on('data', (b: Buffer) => { err += b.toString(); });
    const w = new WireWatch(child);
    await waitFor(() => err.includes('listening on'), 5000).catch(() => {
      throw new Error(`tcpdump did not start in ${ns}: ${err.trim()}`);
    });
    return w;
  }

  /** Gratuitous ARP / unsolicited NA frames for `addr` sent from `srcMac` (any sender when omitted). */
  announcements(addr: string, srcMac?: string, sinceMs = 0): WireFrame[] {
    const a = addr.split('/')[0]!;
    return this.frames.filter((f) => (f.kind === 'garp' || f.kind === 'na') && f.target === a && f.atMs >= sinceMs && (srcMac === undefined || f.srcMac === srcMac));
  }

  /** ICMP echo replies sent from `srcMac` (the client pinging a VIP sees who answers). */
  echoReplies(srcMac: string, sinceMs = 0): WireFrame[] {
    return this.frames.filter((f) => f.kind === 'echo-reply' && f.srcMac === srcMac && f.atMs >= sinceMs);
  }

  adverts(vrid: number, srcMac?: string, sinceMs = 0): WireFrame[] {
    return this.frames.filter((f) => f.kind === 'vrrp' && f.vrid === vrid && f.atMs >= sinceMs && (srcMac === undefined || f.srcMac === srcMac));
  }

  async waitAnnouncement(addr: string, srcMac: string | undefined, sinceMs: number, timeoutMs: number): Promise<WireFrame> {
    return waitFor(() => this.announcements(addr, srcMac, sinceMs)[0], timeoutMs).catch(() => {
      throw new Error(`no gratuitous ARP/NA for ${addr} from ${srcMac ?? "anyone"} within ${timeoutMs} ms; saw:\n${this.frames.filter((f) => f.kind !== "vrrp").slice(-10).map((f) => f.line).join('\n')}`);
    });
  }
}
