// The decoded form of a VRRP advertisement, shared by the encoder, the decoder and the state machine.
import type { AuthType, IpFamily, VrrpVersion } from './constants.js';

export interface VrrpAdvert {
  version: VrrpVersion;
  family: IpFamily;
  vrid: number;
  /** 0 = master stopping, 255 = address owner. */
  priority: number;
  /**
   * Advertisement interval in milliseconds. On the wire: v2 whole seconds (8 bits), v3 centiseconds
   * (12 bits), so v2 values are multiples of 1000 and v3 values multiples of 10 in 10..40950.
   */
  advertIntMs: number;
  /** Virtual addresses in canonical text, in packet order. */
  addresses: string[];
  /** v2 only (0 none, 1 simple password); v3 has no authentication and always reports 0. */
  authType: AuthType;
  /**
   * v2 over IPv4 only: the 8 authentication bytes (the password, NUL padded) when authType is PASS.
   * keepalived sends 8 zero bytes when auth is none; those are not exposed.
   */
  authPassword?: string;
}

/** Where the advert is sent from and to: needed for checksums that cover a pseudo-header. */
export interface AdvertEndpoints {
  /** Source address the kernel will put in the IP header (the instance's primary/unicast_src address). */
  src: string;
  /**
   * Destination used in the checksum pseudo-header: the multicast group, or the unicast peer.
   * keepalived's `unicast_chksum_compat` peers (keepalived < 2.0.? behaviour) computed the v3 IPv4
   * checksum against 224.0.0.18 even for unicast: pass that group here to interoperate with them.
   */
  dst: string;
}

/** Pads/truncates a v2 PASS password to the 8 bytes keepalived copies into the packet. */
export function authPasswordBytes(password: string): Buffer {
  const b = Buffer.alloc(8);
  Buffer.from(password, 'utf8').copy(b, 0, 0, 8);
  return b;
}
