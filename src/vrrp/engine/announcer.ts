// AnnouncePort: gratuitous ARP for IPv4 VIPs and unsolicited neighbour advertisements for IPv6
// VIPs, so switches and neighbours move traffic to the new master at once.
//  - NA: a raw ICMPv6 socket per interface (the kernel fills in the checksum), hop limit 255,
//    sent to all-nodes ff02::1 with the Override flag and our MAC as target link-layer address.
//  - GARP is an Ethernet frame, which needs an AF_PACKET socket; Node has none and raw-socket only
//    does IP. Until vrrp-io's native AF_PACKET sender is wired in, one long-lived python3 helper
//    (python3 is present wherever node-gyp built raw-socket) writes the frames: it is started once,
//    fed one line per frame on stdin, so no process is spawned on the failover path.
import { spawn, type ChildProcess } from 'node:child_process';
import raw, { type RawSocket } from 'raw-socket';
import { ipv4ToBytes, ipv6ToBytes } from '../packet/ip-address.js';
import type { AnnouncePort } from './ports.js';
import { IPPROTO_IPV6, IPV6_MULTICAST_HOPS, IPV6_MULTICAST_IF, SOL_SOCKET, SO_BINDTODEVICE, int32 } from './sockopt.js';

export interface AnnounceCounters {
  garpSent: number;
  naSent: number;
  errors: number;
}

function macBytes(mac: string): Buffer {
  return Buffer.from(mac.split(':').map((h) => parseInt(h, 16)));
}

/** Gratuitous ARP request frame: broadcast, sender = target = the VIP (what keepalived sends). */
export function garpFrame(mac: string, ip: string): Buffer {
  const m = macBytes(mac);
  const a = ipv4ToBytes(ip);
  return Buffer.concat([
    Buffer.from('ffffffffffff', 'hex'), m, Buffer.from([0x08, 0x06]),
    Buffer.from([0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01]), m, a, Buffer.from('ffffffffffff', 'hex'), a,
  ]);
}

/** ICMPv6 neighbour advertisement (type 136), Override flag, target link-layer address option. */
export function naMessage(mac: string, ip: string): Buffer {
  return Buffer.concat([Buffer.from([136, 0, 0, 0, 0x20, 0, 0, 0]), ipv6ToBytes(ip), Buffer.from([2, 1]), macBytes(mac)]);
}

const PY_SENDER = `
import socket, sys
socks = {}
for line in sys.stdin:
    try:
        ifname, hexframe = line.split()
        s = socks.get(ifname)
        if s is None:
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            s.bind((ifname, 0))
            socks[ifname] = s
        s.send(bytes.fromhex(hexframe))
    except Exception as e:
        sys.stderr.write("garp: %s\\n" % e)
        sys.stderr.flush()
`;

export class Announcer implements AnnouncePort {
  readonly counters: AnnounceCounters = { garpSent: 0, naSent: 0, errors: 0 };
  private py: ChildProcess | undefined;
  private readonly naSockets = new Map<string, RawSocket>();

  constructor(
    private readonly macOf: (ifname: string) => string | undefined,
    private readonly ifindexOf: (ifname: string) => number | undefined,
    private readonly onError: (msg: string) => void = () => {},
  ) {}

  announce(ifname: string, addresses: string[]): void {
    const mac = this.macOf(ifname);
    if (!mac) { this.counters.errors += 1; this.onError(`${ifname}: no MAC known, cannot announce ${addresses.join(', ')}`); return; }
    for (const a of addresses) {
      try {
        if (a.includes(':')) this.sendNa(ifname, mac, a);
        else this.sendGarp(ifname, mac, a);
      } catch (err) {
        this.counters.errors += 1;
        this.onError(`${ifname}: cannot announce ${a}: ${(err as Error).message}`);
      }
    }
  }

  close(): void {
    for (const s of this.naSockets.values()) s.close();
    this.naSockets.clear();
    this.py?.stdin?.end();
    this.py?.kill('SIGTERM');
    this.py = undefined;
  }

  /** Starts the GARP helper ahead of need, so the first failover does not pay python's start-up. */
  prepareGarp(): void {
    this.garpHelper();
  }

  private garpHelper(): ChildProcess {
    if (!this.py || this.py.exitCode !== null) {
      const py = spawn('python3', ['-u', '-c', PY_SENDER], { stdio: ['pipe', 'ignore', 'pipe'] });
      py.stderr?.on('data', (b: Buffer) => { this.counters.errors += 1; this.onError(b.toString().trim()); });
      py.on('error', (err) => { this.counters.errors += 1; this.onError(`gratuitous ARP helper: ${err.message}`); });
      py.stdin?.on('error', () => { /* reported through 'error'/'exit' */ });
      this.py = py;
    }
    return this.py;
  }

  private sendGarp(ifname: string, mac: string, ip: string): void {
    this.garpHelper().stdin?.write(`${ifname} ${garpFrame(mac, ip).toString('hex')}\n`);
    this.counters.garpSent += 1;
  }

  private sendNa(ifname: string, mac: string, ip: string): void {
    let s = this.naSockets.get(ifname);
    if (!s) {
      const ifindex = this.ifindexOf(ifname);
      if (ifindex === undefined) throw new Error('interface index unknown');
      s = raw.createSocket({ protocol: 58, addressFamily: raw.AddressFamily.IPv6 });
      const dev = Buffer.from(`${ifname}\0`);
      s.setOption(SOL_SOCKET, SO_BINDTODEVICE, dev, dev.length);
      s.setOption(IPPROTO_IPV6, IPV6_MULTICAST_IF, int32(ifindex), 4);
      s.setOption(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, int32(255), 4);
      s.on('error', (err) => { this.counters.errors += 1; this.onError(`NA socket ${ifname}: ${err.message}`); });
      // The socket only sends; raw-socket would otherwise hand us every ICMPv6 packet.
      s.on('message', () => {});
      this.naSockets.set(ifname, s);
    }
    const msg = naMessage(mac, ip);
    s.send(msg, 0, msg.length, 'ff02::1', null, (err) => { if (err) { this.counters.errors += 1; this.onError(`NA ${ip}: ${err.message}`); } });
    this.counters.naSent += 1;
  }
}
