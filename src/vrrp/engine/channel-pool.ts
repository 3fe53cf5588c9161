// VRRP sockets shared by instances: one channel per (interface, family, cast mode, source), and
// received packets handed to the instance registered for the packet's VRID on that channel. Several
// instances on one interface therefore cost one socket, as in keepalived.
import { peekVrid } from '../packet/decode.js';
import type { IpFamily } from '../packet/constants.js';
import type { ReceivedPacket, VrrpChannel, VrrpTransport } from './ports.js';

export interface ChannelKeyParts {
  ifname: string;
  family: IpFamily;
  multicast: boolean;
  sourceAddress?: string;
}

export type PacketHandler = (p: ReceivedPacket) => void;

interface PoolEntry {
  channel: VrrpChannel;
  byVrid: Map<number, PacketHandler>;
}

export interface ChannelPoolCounters {
  /** Packets whose VRID no instance on that channel uses (keepalived ignores them too). */
  otherVrid: number;
  /** Packets too short to carry a VRID. */
  tooShort: number;
  socketErrors: number;
}

export const channelKey = (k: ChannelKeyParts): string => `${k.ifname}/${k.family}/${k.multicast ? 'mc' : 'uc'}/${k.sourceAddress ?? ''}`;

export class ChannelPool {
  private readonly entries = new Map<string, PoolEntry>();
  readonly counters: ChannelPoolCounters = { otherVrid: 0, tooShort: 0, socketErrors: 0 };

  constructor(private readonly transport: VrrpTransport, private readonly onError: (key: string, err: Error) => void) {}

  /** Registers `handler` for `vrid` on the channel, opening the socket on first use. */
  attach(k: ChannelKeyParts, vrid: number, handler: PacketHandler): VrrpChannel {
    const key = channelKey(k);
    let e = this.entries.get(key);
    if (!e) {
      const byVrid = new Map<number, PacketHandler>();
      const channel = this.transport.open(
        { ifname: k.ifname, family: k.family, multicast: k.multicast, ...(k.sourceAddress ? { sourceAddress: k.sourceAddress } : {}) },
        (p) => this.dispatch(byVrid, p),
        (err) => { this.counters.socketErrors += 1; this.onError(key, err); },
      );
      e = { channel, byVrid };
      this.entries.set(key, e);
    }
    e.byVrid.set(vrid, handler);
    return e.channel;
  }

  /** Unregisters; closes the socket when its last instance leaves. */
  detach(k: ChannelKeyParts, vrid: number): void {
    const key = channelKey(k);
    const e = this.entries.get(key);
    if (!e) return;
    e.byVrid.delete(vrid);
    if (e.byVrid.size === 0) {
      e.channel.close();
      this.entries.delete(key);
    }
  }

  closeAll(): void {
    for (const e of this.entries.values()) e.channel.close();
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private dispatch(byVrid: Map<number, PacketHandler>, p: ReceivedPacket): void {
    const vrid = peekVrid(p.payload);
    if (vrid === undefined) { this.counters.tooShort += 1; return; }
    const h = byVrid.get(vrid);
    if (!h) { this.counters.otherVrid += 1; return; }
    h(p);
  }
}
