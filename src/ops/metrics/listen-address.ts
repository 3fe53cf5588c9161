import { isIP } from 'node:net';

/** Where `--metrics-listen` binds. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export class ListenAddressError extends Error {
  constructor(readonly value: string, reason: string) {
    super(`--metrics-listen '${value}': ${reason} (expected PORT, ADDR:PORT or [IPV6]:PORT)`);
    this.name = 'ListenAddressError';
  }
}

/**
 * Parses `--metrics-listen`: `9650` (loopback only: a bare port must never expose the status of
 * a director to the network by accident), `0.0.0.0:9650`, `10.0.0.1:9650`, `[::1]:9650`,
 * `localhost:9650`.
 */
export function parseListenAddress(value: string): ListenAddress {
  const v = value.trim();
  let host = '127.0.0.1';
  let portText = v;
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(v);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2]!;
    if (isIP(host) !== 6) throw new ListenAddressError(value, `'${host}' is not an IPv6 address`);
  } else if (v.includes(':')) {
    const idx = v.lastIndexOf(':');
    host = v.slice(0, idx);
    portText = v.slice(idx + 1);
    if (host.includes(':')) throw new ListenAddressError(value, 'an IPv6 address must be written in brackets');
    if (host === '') throw new ListenAddressError(value, 'empty address');
    if (isIP(host) === 0 && !/^[A-Za-z0-9.-]+$/.test(host)) throw new ListenAddressError(value, `'${host}' is not an address or host name`);
  }
  if (!/^\d+$/.test(portText)) throw new ListenAddressError(value, `'${portText}' is not a port number`);
  const port = Number(portText);
  if (port < 1 || port > 65535) throw new ListenAddressError(value, `port ${port} is out of range 1-65535`);
  return { host, port };
}
