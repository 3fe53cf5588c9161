// TCP_CHECK through the native addon's TcpProber: one epoll set for every check in flight, one
// timer for their connect timeouts, and one JavaScript call per loop turn for all the checks that
// finished in it. Per check this costs a slot in an array instead of Node's TCP handle, connect
// request, timer and promise objects, which is what keeps thousands of checks per second cheap
// (bench:checks). The system calls are keepalived's (SO_LINGER 0, non-blocking connect,
// SO_ERROR), so a real server sees the same thing from ka-ts.

import { constants } from 'node:os';
import { nativeAvailable, openTcpProber, type NativeTcpProber } from '../../native/addon.js';
import type { ConnectSpec } from '../spec.js';
import { errFromStatus, TcpConnectError, tcpConnectOnce } from './tcp-handle.js';

/** Called once per check: 0 when the connection was established, else the errno (ETIMEDOUT after connect_timeout). */
export type TcpCheckDone = (errno: number) => void;

const ETIMEDOUT = constants.errno.ETIMEDOUT;

let prober: NativeTcpProber | undefined;
/** The check with id i waits in slot i; freed slots are reused (ids only need to be unique in flight). */
const slots: Array<TcpCheckDone | undefined> = [];
const freeSlots: number[] = [];
let inFlight = 0;

function onDone(results: Int32Array): void {
  let thrown: { error: unknown } | undefined;
  for (let i = 0; i + 1 < results.length; i += 2) {
    const id = results[i]!;
    const done = slots[id];
    if (!done) continue;
    slots[id] = undefined;
    freeSlots.push(id);
    inFlight -= 1;
    // A callback that throws must not lose the results after it in this batch.
    try { done(results[i + 1]!); } catch (error) { thrown ??= { error }; }
  }
  if (thrown) throw thrown.error;
}

export const tcpNativeAvailable = (): boolean => nativeAvailable();

/** Checks under way (JavaScript's view and the addon's agree; tests assert both settle to 0). */
export const tcpNativeInFlight = (): number => Math.max(inFlight, prober?.inFlight ?? 0);

/** Sockets the prober keeps, disconnected, for the next checks. */
export const tcpNativeIdleSockets = (): number => prober?.idle ?? 0;

/**
 * Starts a check: connects and closes (with a RST, as keepalived) at once, then calls `done`
 * with 0 or the errno. False (and `done` is never called) when the prober cannot take the
 * address — a scoped IPv6 address such as fe80::1%eth0 — so the caller uses Node's TCP handle.
 */
export function startTcpNative(c: ConnectSpec, done: TcpCheckDone): boolean {
  prober ??= openTcpProber(onDone);
  const id = freeSlots.pop() ?? slots.length;
  let errno: number;
  try {
    errno = prober.start(id, c.host, c.port, c.timeoutMs, c.bindTo, c.bindPort ?? 0, c.bindIf, c.fwmark ?? 0);
  } catch {
    if (id === slots.length) slots.push(undefined); // keep the id numbering dense
    freeSlots.push(id);
    return false;
  }
  if (errno !== 0) {
    // Failed at once (a bind error, an unreachable network): reported on the next turn like
    // any other result, never from inside the caller.
    if (id === slots.length) slots.push(undefined);
    freeSlots.push(id);
    queueMicrotask(() => done(errno));
    return true;
  }
  slots[id] = done;
  inFlight += 1;
  return true;
}

/** The errno of a finished check as the TcpConnectError the other TCP paths reject with. */
export const tcpErrorOf = (errno: number): TcpConnectError =>
  errno === ETIMEDOUT ? new TcpConnectError('ETIMEDOUT', 'connect timeout') : errFromStatus(-errno, 'connect');

/** bind_if and fwmark are socket options only the native prober sets: no other path may run such a check. */
export const needsNativeProber = (c: ConnectSpec): boolean => c.bindIf !== undefined || (c.fwmark ?? 0) !== 0;

export const nativeOnlyError = (): TcpConnectError => new TcpConnectError('EOPNOTSUPP', 'bind_if / fwmark need the native TCP prober, which cannot take this address');

/** Promise form of startTcpNative; rejects with a TcpConnectError (code = errno name). */
export function tcpConnectNative(c: ConnectSpec): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = startTcpNative(c, (errno) => { if (errno === 0) resolve(); else reject(tcpErrorOf(errno)); });
    if (started) return;
    if (needsNativeProber(c)) reject(nativeOnlyError());
    else tcpConnectOnce(c).then(resolve, reject);
  });
}
