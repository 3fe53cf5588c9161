// DNS_CHECK (check_dns.c): a query (random id, RD set, class IN, default type SOA for ".") over
// UDP; the first response with our id and QR set decides: RCODE 0 passes, any other fails.
// Responses with another id, or queries, are ignored until connect_timeout.

import { randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';
import type { DnsCheckSpec } from '../spec.js';
import { elapsedSince, errorReason, failResult, okResult, type ProbeResult } from '../result.js';
import { openConnectedUdp, udpExchange } from './udp-socket.js';

export function encodeDnsQuery(spec: Pick<DnsCheckSpec, 'queryType' | 'name'>, id: number): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: spec.queryType, class: 'IN', name: spec.name === '.' ? '.' : spec.name.replace(/\.$/, '') }],
  });
}

/** Parses just enough of the response header: id, QR and RCODE (bytes 0-3). */
const header = (msg: Buffer): { id: number; qr: boolean; rcode: number } | undefined =>
  msg.length < 12 ? undefined : { id: msg.readUInt16BE(0), qr: (msg[2]! & 0x80) !== 0, rcode: msg[3]! & 0x0f };

export async function probeDns(spec: DnsCheckSpec): Promise<ProbeResult> {
  const start = performance.now();
  let sock;
  try {
    sock = await openConnectedUdp(spec.connect);
    const id = randomInt(0, 0x10000);
    const r = await udpExchange(sock, encodeDnsQuery(spec, id), spec.connect.timeoutMs, (msg) => {
      const h = header(msg);
      return !!h && h.id === id && h.qr;
    });
    const ms = elapsedSince(start);
    if (r.kind === 'timeout') return failResult(ms, 'read timeout');
    if (r.kind === 'error') return failResult(ms, errorReason(r.err));
    const rcode = header(r.msg)!.rcode;
    return rcode === 0 ? okResult(ms, 'NOERROR') : failResult(ms, `rcode ${rcode}`);
  } catch (err) {
    return failResult(elapsedSince(start), errorReason(err));
  } finally {
    try { sock?.close(); } catch { /* closed */ }
  }
}
