// Announcer: gratuitous ARP for IPv4 VIPs and unsolicited NA for IPv6 VIPs on an interface, sent
// as whole Ethernet frames through the addon's AF_PACKET send (as keepalived does). Interface
// facts (index, MAC, IPv6 forwarding) are read once per interface and cached;
// call forget() when a link event says the interface changed.
import { isIPv4 } from 'node:net';
import { sendEthernetFrame } from '../../native/addon.js';
import type { AnnouncePort } from '../engine/ports.js';
import { buildGratuitousArp, buildUnsolicitedNa } from './announce-frames.js';
import { AnnounceError } from './errors.js';
import { interfaceFacts, type InterfaceFacts } from './interface-facts.js';

export interface AnnouncerCounters {
  garpSent: number;
  naSent: number;
  errors: number;
}

export class Announcer implements AnnouncePort {
  readonly counters: AnnouncerCounters = { garpSent: 0, naSent: 0, errors: 0 };
  private readonly facts = new Map<string, Promise<InterfaceFacts>>();

  /** `onError` receives every failure (counted too); `netns`: send inside that namespace. */
  constructor(private readonly onError: (err: AnnounceError) => void = () => {}, private readonly netns?: string) {}

  /** The engine's AnnouncePort: fire and forget; failures go to onError. */
  announce(ifname: string, addresses: string[]): void {
    this.announceNow(ifname, addresses).catch(() => { /* already reported through onError */ });
  }

  /** Sends one frame per address; resolves with the number sent, failures reported and counted. */
  async announceNow(ifname: string, addresses: string[]): Promise<number> {
    let facts: InterfaceFacts;
    try {
      facts = await this.factsFor(ifname);
    } catch (err) {
      this.facts.delete(ifname);
      for (const a of addresses) this.fail(new AnnounceError(ifname, a, (err as Error).message));
      return 0;
    }
    let sent = 0;
    for (const addr of addresses) {
      const ip = addr.split('/')[0]!;
      try {
        if (isIPv4(ip)) {
          this.send(facts, buildGratuitousArp(facts.mac, ip));
          this.counters.garpSent += 1;
        } else {
          this.send(facts, buildUnsolicitedNa({ mac: facts.mac, target: ip, router: facts.ipv6Forwarding === true }));
          this.counters.naSent += 1;
        }
        sent += 1;
      } catch (err) {
        // Facts may be stale (interface re-created with a new index or MAC): re-read next time.
        this.facts.delete(ifname);
        this.fail(new AnnounceError(ifname, ip, (err as Error).message));
      }
    }
    return sent;
  }

  /**
   * Reads and caches the facts of these interfaces now, so the first announcement after a
   * transition does not wait for `ip -j addr`. Failures are left for announce() to report.
   */
  async prepare(ifnames: string[]): Promise<void> {
    await Promise.all(ifnames.map((n) => this.factsFor(n).catch(() => { this.facts.delete(n); })));
  }

  /** Drops cached facts (after a link change, a new MAC or address). */
  forget(ifname?: string): void {
    if (ifname === undefined) this.facts.clear();
    else this.facts.delete(ifname);
  }

  private factsFor(ifname: string): Promise<InterfaceFacts> {
    let p = this.facts.get(ifname);
    if (!p) {
      p = interfaceFacts(ifname, this.netns);
      this.facts.set(ifname, p);
    }
    return p;
  }

  private send(facts: InterfaceFacts, frame: Buffer): void {
    sendEthernetFrame(facts.ifindex, frame, this.netns);
  }

  private fail(err: AnnounceError): void {
    this.counters.errors += 1;
    this.onError(err);
  }
}
