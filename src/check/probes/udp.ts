// UDP_CHECK (check_udp.c): send the payload (random when none is configured) on a connected UDP
// socket. An ICMP error fails the check. Without require_reply, silence until connect_timeout
// is a success (nothing said the port is closed); with require_reply a reply is needed, its
// length must lie in [min_reply_length, max_reply_length] and, when reply data is configured,
// the first min(len, reply_len) bytes must match outside the X-nibble mask.

import { randomBytes } from 'node:crypto';
import type { UdpCheckSpec } from '../spec.js';
import { elapsedSince, errorReason, failResult, okResult, type ProbeResult } from '../result.js';
import { openConnectedUdp, udpExchange } from './udp-socket.js';

/** Returns why the reply does not match, or undefined when it does. */
export function udpReplyMismatch(reply: Uint8Array, spec: Pick<UdpCheckSpec, 'minReplyLength' | 'maxReplyLength' | 'replyData' | 'replyMask'>): string | undefined {
  if (reply.length < spec.minReplyLength || reply.length > spec.maxReplyLength) {
    return `reply length ${reply.length} outside ${spec.minReplyLength}-${spec.maxReplyLength}`;
  }
  const want = spec.replyData;
  if (!want) return undefined;
  const n = Math.min(reply.length, want.length);
  for (let i = 0; i < n; i++) {
    const ignore = spec.replyMask?.[i] ?? 0;
    if (((reply[i]! ^ want[i]!) & ~ignore & 0xff) !== 0) return `reply data mismatch at byte ${i}`;
  }
  return undefined;
}

export async function probeUdp(spec: UdpCheckSpec): Promise<ProbeResult> {
  const start = performance.now();
  let sock;
  try {
    sock = await openConnectedUdp(spec.connect);
    const payload = spec.payload ?? randomBytes(16);
    const r = await udpExchange(sock, payload, spec.connect.timeoutMs, () => true);
    const ms = elapsedSince(start);
    if (r.kind === 'error') return failResult(ms, errorReason(r.err));
    if (r.kind === 'timeout') return spec.requireReply ? failResult(ms, 'timeout waiting for reply') : okResult(ms, 'no ICMP error before timeout');
    if (!spec.requireReply) return okResult(ms, 'reply received');
    const bad = udpReplyMismatch(r.msg, spec);
    return bad ? failResult(ms, bad) : okResult(ms, 'reply matched');
  } catch (err) {
    return failResult(elapsedSince(start), errorReason(err));
  } finally {
    try { sock?.close(); } catch { /* closed */ }
  }
}
