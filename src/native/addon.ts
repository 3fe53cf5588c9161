/**
 * Typed loader for the ka-ts native addon (native/, N-API, C++17).
 *
 * Build: `npx node-gyp rebuild --directory native --nodedir=/usr` (or without --nodedir when
 * node-gyp can fetch headers). The binary is loaded from <package root>/native/build/Release/
 * kats_native.node; if it is missing, every function throws NativeAddonUnavailableError saying
 * how to build it. Loading is lazy, so importing this module never fails.
 *
 * API:
 * - `openVrrpRawSocket(opts, onPacket, onError): NativeVrrpSocket` — raw IP protocol-112 socket
 *   bound to `opts.ifname` (SO_BINDTODEVICE), multicast output interface and (when
 *   `opts.multicast`) membership of 224.0.0.18 / ff02::12 on it, TTL/hop limit 255, no multicast
 *   loop, IPV6_CHECKSUM offset 6, optional bind to `opts.sourceAddress` (unicast_src_ip).
 *   Non-blocking, read through libuv. `onPacket` gets {src, dst, ttl, ifindex, payload} with the
 *   VRRP part only (the IPv4 header is parsed and stripped; `ipHeaderLength`/`ipTotalLength` kept).
 *   `socket.send(payload, dst)` returns bytes sent or throws a NativeError (code = errno name).
 * - `sendEthernetFrame(ifindex, frame, netns?): number` — one frame on an AF_PACKET socket (GARP, NA).
 * - `opts.netns` / `netns`: create the socket inside that network namespace (tests, lab).
 * - `sendUnixDatagram(path, data): number` — one datagram to a unix datagram socket; a leading
 *   '@' means the abstract namespace (sd_notify's NOTIFY_SOCKET, /dev/log).
 * - `watchSignal(signum, cb): () => void` — a libuv signal watch for signals Node refuses
 *   (real-time ones); unreferenced, so it never keeps the process alive. Returns a stop function.
 * - `watchRealtimeSignal(signum, cb)` — same, checked to be a real-time signal number.
 * - `sdNotify(state): boolean` — sends `state` to $NOTIFY_SOCKET; false when it is unset.
 * - `realtimeSignalRange(): {min, max}` — glibc's SIGRTMIN/SIGRTMAX.
 * - `watchProcessEvents(cb): () => void` — the kernel's process events connector (cn_proc), as
 *   keepalived's track_process uses it; `cb` gets an Int32Array of [kind, pid, parentPid] triples
 *   (PROC_EVENT kinds below), processes only, no threads. Throws a NativeError (ECONNREFUSED
 *   outside the initial network namespace); unreferenced. Returns a stop function.
 * - `openTcpProber(onDone): NativeTcpProber` — TCP_CHECK connects made as keepalived makes them
 *   (SO_LINGER 0, non-blocking connect, SO_ERROR), all in one epoll set behind one libuv poll
 *   handle, timeouts on one libuv timer; `onDone` gets an Int32Array [id, errno, ...] of the
 *   checks finished in a loop turn.
 * - `nativeAvailable(): boolean`, `nativeAddonPath(): string`.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../ops/package-root.js';

/** An error from a system call in the addon: `code` is errno's name (EPERM, ENODEV, ...). */
export interface NativeError extends Error {
  code: string;
  errno: number;
  syscall: string;
}

export class NativeAddonUnavailableError extends Error {
  override readonly name = 'NativeAddonUnavailableError';
  constructor(readonly path: string, cause?: unknown) {
    super(`ka-ts native addon not available at ${path}` +
      (cause instanceof Error ? ` (${cause.message})` : '') +
      ': build it with `npx node-gyp rebuild --directory native --nodedir=/usr`', { cause });
  }
}

export interface NativeVrrpSocketOptions {
  family: 4 | 6;
  ifname: string;
  /** Join 224.0.0.18 / ff02::12 on the interface. */
  multicast: boolean;
  /** unicast_src_ip: bind to this local address (also filters received packets to it). */
  sourceAddress?: string;
  /**
   * Create the socket inside this network namespace (a name under /run/netns or a path); the
   * socket stays there. For tests and the lab, which drive several namespaces from one process.
   */
  netns?: string;
}

export interface NativeVrrpPacket {
  src: string;
  dst: string;
  /** IPv4 TTL from the header / IPv6 hop limit from IPV6_HOPLIMIT (absent if the kernel gave none). */
  ttl?: number;
  ifindex: number;
  /** The VRRP message only. */
  payload: Buffer;
  /** IPv4 only: header length and the header's total length field. */
  ipHeaderLength?: number;
  ipTotalLength?: number;
}

export interface NativeVrrpSocket {
  /** Returns the number of bytes sent; throws a NativeError. */
  send(payload: Buffer, dst: string): number;
  /** Idempotent. */
  close(): void;
  readonly fd: number;
}

export interface NativeTcpProber {
  /**
   * 0 when the connect is under way (onDone reports it: errno 0, a connect error, or ETIMEDOUT
   * after `timeoutMs`); a positive errno when it failed at once (nothing is reported then).
   */
  start(id: number, address: string, port: number, timeoutMs: number, bindAddress?: string, bindPort?: number, bindIf?: string, fwmark?: number): number;
  /** Idempotent. */
  close(): void;
  readonly inFlight: number;
  /** Disconnected sockets kept for the next checks (connect(AF_UNSPEC) instead of close). */
  readonly idle: number;
}

interface AddonBinding {
  TcpProber: new (onDone: (results: Int32Array) => void) => NativeTcpProber;
  VrrpRawSocket: new (opts: NativeVrrpSocketOptions, onPacket: (p: NativeVrrpPacket) => void, onError: (e: NativeError) => void) => NativeVrrpSocket;
  sendEthernetFrame(ifindex: number, frame: Buffer, netns?: string): number;
  sendUnixDatagram(path: string, data: Buffer): number;
  watchSignal(signum: number, cb: (signum: number) => void): () => void;
  watchProcessEvents(cb: (events: Int32Array) => void): () => void;
  SIGRTMIN: number;
  SIGRTMAX: number;
}

let binding: AddonBinding | undefined;
let loadError: NativeAddonUnavailableError | undefined;

export function nativeAddonPath(): string {
  return join(packageRoot(), 'native', 'build', 'Release', 'kats_native.node');
}

function addon(): AddonBinding {
  if (binding) return binding;
  if (loadError) throw loadError;
  const path = nativeAddonPath();
  if (!existsSync(path)) {
    loadError = new NativeAddonUnavailableError(path);
    throw loadError;
  }
  try {
    binding = createRequire(import.meta.url)(path) as AddonBinding;
    return binding;
  } catch (err) {
    loadError = new NativeAddonUnavailableError(path, err);
    throw loadError;
  }
}

/** True when the addon is built and loads. */
export function nativeAvailable(): boolean {
  try {
    addon();
    return true;
  } catch {
    return false;
  }
}

export function openVrrpRawSocket(opts: NativeVrrpSocketOptions, onPacket: (p: NativeVrrpPacket) => void, onError: (e: NativeError) => void): NativeVrrpSocket {
  const A = addon();
  return new A.VrrpRawSocket(opts, onPacket, onError);
}

export function openTcpProber(onDone: (results: Int32Array) => void): NativeTcpProber {
  return new (addon().TcpProber)(onDone);
}

/** `netns` (optional): send from inside that network namespace (name under /run/netns or path). */
export function sendEthernetFrame(ifindex: number, frame: Buffer, netns?: string): number {
  return netns === undefined ? addon().sendEthernetFrame(ifindex, frame) : addon().sendEthernetFrame(ifindex, frame, netns);
}

export function sendUnixDatagram(path: string, data: Buffer): number {
  return addon().sendUnixDatagram(path, data);
}

export function watchSignal(signum: number, cb: (signum: number) => void): () => void {
  return addon().watchSignal(signum, cb);
}

/** The kinds in watchProcessEvents' triples; OVERRUN means events were lost (rescan /proc). */
export const PROC_EVENT = { FORK: 1, EXEC: 2, COMM: 3, EXIT: 4, OVERRUN: 5 } as const;

export function watchProcessEvents(cb: (events: Int32Array) => void): () => void {
  return addon().watchProcessEvents(cb);
}

export function realtimeSignalRange(): { min: number; max: number } {
  const A = addon();
  return { min: A.SIGRTMIN, max: A.SIGRTMAX };
}

/** watchSignal restricted to real-time signals (keepalived's SIGJSON 36, STATS_CLEAR 63). */
export function watchRealtimeSignal(signum: number, cb: (signum: number) => void): () => void {
  const { min, max } = realtimeSignalRange();
  if (!Number.isInteger(signum) || signum < min || signum > max) throw new RangeError(`${signum} is not a real-time signal (${min}..${max})`);
  return watchSignal(signum, cb);
}

/**
 * sd_notify(3): sends `state` (e.g. "READY=1") to $NOTIFY_SOCKET. Returns false when the
 * variable is unset (not started by systemd with Type=notify); throws a NativeError on failure.
 */
export function sdNotify(state: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const path = env['NOTIFY_SOCKET'];
  if (!path) return false;
  sendUnixDatagram(path, Buffer.from(state));
  return true;
}
