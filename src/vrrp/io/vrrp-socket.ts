// VrrpSocket: one native raw protocol-112 socket for an interface and family, with typed events
// and error counters. Send failures (ENOBUFS under load, ENETDOWN while a link flaps) are counted
// and reported as 'error' events instead of throwing into the protocol timer: one lost advert is
// what VRRP tolerates by design, a crashed VRRP process is not.
import { EventEmitter } from 'node:events';
import { openVrrpRawSocket, type NativeError, type NativeVrrpPacket, type NativeVrrpSocket } from '../../native/addon.js';
import { VrrpSocketError } from './errors.js';

export const VRRP_GROUP4 = '224.0.0.18';
export const VRRP_GROUP6 = 'ff02::12';

export interface VrrpSocketOptions {
  ifname: string;
  family: 'ipv4' | 'ipv6';
  /** Join the VRRP multicast group on the interface. */
  multicast: boolean;
  /** unicast_src_ip. */
  sourceAddress?: string;
  /** Network namespace to open the socket in (tests, lab); the daemon runs inside its own. */
  netns?: string;
}

export interface VrrpSocketCounters {
  sent: number;
  received: number;
  sendErrors: number;
  recvErrors: number;
}

export type VrrpSocketPacket = NativeVrrpPacket;

export interface VrrpSocketEvents {
  packet: [VrrpSocketPacket];
  error: [VrrpSocketError];
}

export class VrrpSocket extends EventEmitter<VrrpSocketEvents> {
  readonly counters: VrrpSocketCounters = { sent: 0, received: 0, sendErrors: 0, recvErrors: 0 };
  private readonly native: NativeVrrpSocket;
  private closed = false;

  /** Opens the socket; throws VrrpSocketError (with errno's code) if the kernel refuses. */
  constructor(readonly options: VrrpSocketOptions) {
    super();
    try {
      this.native = openVrrpRawSocket(
        { family: options.family === 'ipv6' ? 6 : 4, ifname: options.ifname, multicast: options.multicast, ...(options.sourceAddress ? { sourceAddress: options.sourceAddress } : {}), ...(options.netns ? { netns: options.netns } : {}) },
        (p) => {
          this.counters.received += 1;
          this.emit('packet', p);
        },
        (e) => {
          this.counters.recvErrors += 1;
          this.emitError(new VrrpSocketError(options.ifname, e.code ?? 'EUNKNOWN', `receive: ${e.message}`));
        },
      );
    } catch (err) {
      const e = err as Partial<NativeError>;
      throw new VrrpSocketError(options.ifname, e.code ?? 'EUNKNOWN', `cannot open VRRP ${options.family} socket: ${e.message ?? String(err)}`);
    }
  }

  /** Multicast group address for this socket's family. */
  get group(): string {
    return this.options.family === 'ipv6' ? VRRP_GROUP6 : VRRP_GROUP4;
  }

  /** Sends one VRRP message; returns false (and emits 'error') on failure. */
  send(payload: Buffer, dst: string = this.group): boolean {
    if (this.closed) return false;
    try {
      this.native.send(payload, dst);
      this.counters.sent += 1;
      return true;
    } catch (err) {
      const e = err as Partial<NativeError>;
      this.counters.sendErrors += 1;
      this.emitError(new VrrpSocketError(this.options.ifname, e.code ?? 'EUNKNOWN', `send to ${dst}: ${e.message ?? String(err)}`));
      return false;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.native.close();
  }

  // An EventEmitter throws on 'error' without a listener; a socket error must never do that.
  private emitError(err: VrrpSocketError): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }
}
