// Asks "who has ADDR?" on one interface and lists the MACs that answer: an ARP request built here
// and sent with the native addon's AF_PACKET socket, replies read by tcpdump. Sent from the
// director's own address and MAC, so the only ARP cache entry it refreshes is the correct one.
import { spawn } from 'node:child_process';
import { nativeAvailable, sendEthernetFrame } from '../../native/addon.js';
import { ipToInt } from '../lab/ipv4.js';
import { nsSh, sleep } from '../lab/sh.js';

export class ArpProbeError extends Error {
  constructor(message: string) { super(message); this.name = 'ArpProbeError'; }
}

/** An Ethernet ARP request frame (padded to the 60-byte minimum). Pure. */
export function arpRequestFrame(srcMac: string, srcIp: string, targetIp: string): Buffer {
  const f = Buffer.alloc(60);
  const mac = Buffer.from(srcMac.split(':').map((h) => parseInt(h, 16)));
  f.fill(0xff, 0, 6);
  mac.copy(f, 6);
  f.writeUInt16BE(0x0806, 12);
  f.writeUInt16BE(1, 14); // Ethernet
  f.writeUInt16BE(0x0800, 16); // IPv4
  f.writeUInt8(6, 18);
  f.writeUInt8(4, 19);
  f.writeUInt16BE(1, 20); // request
  mac.copy(f, 22);
  f.writeUInt32BE(ipToInt(srcIp), 28);
  f.writeUInt32BE(ipToInt(targetIp), 38);
  return f;
}

/** MACs in tcpdump lines "ARP, Reply ADDR is-at MAC". Pure. */
export function parseArpReplies(text: string, addr: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/Reply (\S+) is-at ([0-9a-f:]{17})/g)) if (m[1] === addr) out.add(m[2]!);
  return [...out];
}

export const nativeArpProbeAvailable = nativeAvailable;

export async function probeArp(ns: string | undefined, ifname: string, srcIp: string, target: string, waitMs = 1500): Promise<string[]> {
  const link = await nsSh(ns, 'ip', ['-o', 'link', 'show', 'dev', ifname], true);
  const idx = /^(\d+):/.exec(link.stdout)?.[1];
  const mac = /link\/ether ([0-9a-f:]{17})/.exec(link.stdout)?.[1];
  if (!idx || !mac) throw new ArpProbeError(`no Ethernet interface ${ifname}`);
  const argv = ['tcpdump', '-i', ifname, '-nn', '-l', '-U', 'arp and arp[6:2] == 2'];
  const child = ns ? spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    const deadline = performance.now() + 5000;
    child.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
    while (!err.includes('listening on')) {
      if (child.exitCode !== null || performance.now() > deadline) throw new ArpProbeError(`tcpdump did not start on ${ifname}: ${err.trim()}`);
      await sleep(20);
    }
    const frame = arpRequestFrame(mac, srcIp, target);
    for (let i = 0; i < 2; i++) {
      sendEthernetFrame(Number(idx), frame, ns);
      await sleep(200);
    }
    await sleep(waitMs);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  return parseArpReplies(out, target);
}
