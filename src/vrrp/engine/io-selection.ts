// Chooses the I/O behind the engine's ports for a process: vrrp-io's native implementation
// (src/vrrp/io: N-API raw sockets with bound source, hop-limit and PKTINFO; AF_PACKET GARP) when
// the addon is built, otherwise the basic one in this directory (raw-socket package, ip -batch,
// a python3 AF_PACKET helper for GARP), which needs no compiled addon of ours.
// KA_TS_VRRP_IO=native|basic forces a choice (native fails loudly if the addon is missing).
import { nativeAvailable, nativeAddonPath } from '../../native/addon.js';
import { NativeVrrpTransport, AddressManager, Announcer as NativeAnnouncer, LinkPortAdapter } from '../io/index.js';
import type { AddressPort, AnnouncePort, LinkPort, VrrpTransport } from './ports.js';
import { RawSocketTransport } from './raw-socket-transport.js';
import { IpBatchAddresses } from './ip-batch-addresses.js';
import { IpLinkPort } from './ip-link-port.js';
import { Announcer as BasicAnnouncer } from './announcer.js';

export interface EngineIo {
  kind: 'native' | 'basic';
  transport: VrrpTransport;
  addresses: AddressPort;
  announce: AnnouncePort;
  link: LinkPort;
  /** Warms up what the first failover would otherwise wait for. */
  prepare(families: Array<'ipv4' | 'ipv6'>): void;
  close(): void;
}

export class EngineIoError extends Error {
  override readonly name = 'EngineIoError';
}

function nativeIo(onError: (msg: string) => void): EngineIo {
  const announcer = new NativeAnnouncer((err) => onError(err.message));
  return {
    kind: 'native',
    transport: new NativeVrrpTransport(),
    addresses: new AddressManager(),
    announce: announcer,
    link: new LinkPortAdapter(),
    prepare: () => {},
    close: () => {},
  };
}

function basicIo(onError: (msg: string) => void): EngineIo {
  const link = new IpLinkPort();
  const macs = new Map<string, string>();
  const announcer = new BasicAnnouncer((n) => macs.get(n), (n) => link.ifindex(n), onError);
  return {
    kind: 'basic',
    transport: new RawSocketTransport((n) => link.ifindex(n)),
    addresses: new IpBatchAddresses(),
    announce: announcer,
    // The basic announcer needs MACs: remember them as the engine reads interface facts.
    link: {
      facts: async (n) => { const f = await link.facts(n); if (f) macs.set(n, f.mac); return f; },
      watch: (cb) => link.watch(cb),
    },
    prepare: (families) => { if (families.includes('ipv4')) announcer.prepareGarp(); },
    close: () => announcer.close(),
  };
}

export function selectEngineIo(onError: (msg: string) => void, want = process.env['KA_TS_VRRP_IO']): EngineIo {
  if (want === 'basic') return basicIo(onError);
  if (want === 'native') {
    if (!nativeAvailable()) throw new EngineIoError(`KA_TS_VRRP_IO=native but the addon ${nativeAddonPath()} is not built (npx node-gyp rebuild --directory native)`);
    return nativeIo(onError);
  }
  if (want !== undefined && want !== '') throw new EngineIoError(`KA_TS_VRRP_IO must be native or basic, not "${want}"`);
  return nativeAvailable() ? nativeIo(onError) : basicIo(onError);
}
