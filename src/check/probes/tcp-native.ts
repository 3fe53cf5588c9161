// TCP_CHECK through the native addon's TcpProber: one epoll set for every check in flight, one
// timer for their connect timeouts, and one JavaScript call per loop turn for all the checks that
// finished in it. Per check this costs a map entry instead of Node's TCP handle, connect request
// and timer objects, which is what keeps thousands of checks per second cheap (bench:checks).
// The system calls are keepalived's (SO_LINGER 0, non-blocking connect, SO_ERROR), so a real
// server sees the same thing from ka-ts.

import { constants } from 'node:os';
import { nativeAvailable, openTcpProber, type NativeTcpProber } from '../../native/addon.js';
import type { ConnectSpec } from '../spec.js';
import { errFromStatus, TcpConnectError, tcpConnectOnce } from './tcp-handle.js';

interface Pending { resolve: () => void; reject: (e: Error) => void }

const ETIMEDOUT = constants.errno.ETIMEDOUT;

let prober: NativeTcpProber | undefined;
const pending = new Map<number, Pending>();
let nextId = 0;


function onDone(results: Int32Array): void {
  for (let i = 0; i + 1 < results.length; i += 2) {
    const id = results[i]!;
    const p = pending.get(id);
    if (!p) continue;
    pending.delete(id);
    const errno = results[i + 1]!;
    if (errno === 0) p.resolve();
    else if (errno === ETIMEDOUT) p.reject(new TcpConnectError('ETIMEDOUT', 'connect timeout'));
    else p.reject(errFromStatus(-errno, 'connect'));
  }
}

export const tcpNativeAvailable = (): boolean => nativeAvailable();

/** Checks under way (JavaScript's view and the addon's agree; tests assert both settle to 0). */
export const tcpNativeInFlight = (): number => Math.max(pending.size, prober?.inFlight ?? 0);

/** Connects and closes (with a RST, as keepalived) at once; rejects with a TcpConnectError (code = errno name). */
export function tcpConnectNative(c: ConnectSpec): Promise<void> {
  prober ??= openTcpProber(onDone);
  const p = prober;
  return new Promise((resolve, reject) => {
    // Ids only have to be unique among checks in flight; wrap well inside int32.
    let id = nextId = (nextId + 1) & 0x3fffffff;
    while (pending.has(id)) id = nextId = (nextId + 1) & 0x3fffffff;
    let errno: number;
    try {
      errno = p.start(id, c.host, c.port, c.timeoutMs, c.bindTo, c.bindPort ?? 0);
    } catch {
      // An address the prober does not parse (a scoped IPv6 address such as fe80::1%eth0):
      // Node's own TCP handle knows those.
      tcpConnectOnce(c).then(resolve, reject);
      return;
    }
    if (errno !== 0) {
      reject(errFromStatus(-errno, 'connect'));
      return;
    }
    pending.set(id, { resolve, reject });
  });
}
