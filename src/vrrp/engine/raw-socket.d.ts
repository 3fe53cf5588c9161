// Types for the parts of the `raw-socket` package (a dependency of net-ping) the engine uses.
declare module 'raw-socket' {
  import type { EventEmitter } from 'node:events';
  export interface RawSocket extends EventEmitter {
    send(buffer: Buffer, offset: number, length: number, address: string, beforeCallback: (() => void) | null, afterCallback: (error: Error | null, bytes: number) => void): void;
    setOption(level: number, option: number, value: Buffer | number, length?: number): void;
    close(): void;
    on(event: 'message', listener: (buffer: Buffer, source: string) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: 'close', listener: () => void): this;
  }
  export function createSocket(options: { protocol: number; addressFamily: number; bufferSize?: number; generateChecksums?: boolean; checksumOffset?: number }): RawSocket;
  export const AddressFamily: { IPv4: number; IPv6: number };
  export const SocketLevel: { SOL_SOCKET: number; IPPROTO_IP: number; IPPROTO_IPV6: number };
  export const SocketOption: { SO_BINDTODEVICE: number; IP_TTL: number; IPV6_UNICAST_HOPS: number };
  const _default: {
    createSocket: typeof createSocket;
    AddressFamily: typeof AddressFamily;
    SocketLevel: typeof SocketLevel;
    SocketOption: typeof SocketOption;
  };
  export default _default;
}
