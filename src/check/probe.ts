// Runs one probe of any checker type. Never throws: an unexpected error is a failed result.

import type { ProbeSpec } from './spec.js';
import { failResult, type ProbeResult } from './result.js';
import { checkTcp, probeTcp } from './probes/tcp.js';
import { probeHttp } from './probes/http.js';
import { probeMisc } from './probes/misc.js';
import { probePing } from './probes/ping.js';
import { probeUdp } from './probes/udp.js';
import { probeDns } from './probes/dns.js';
import { probeSmtp } from './probes/smtp.js';

export async function runProbe(spec: ProbeSpec, configuredWeight: number): Promise<ProbeResult> {
  try {
    switch (spec.type) {
      case 'TCP_CHECK': return await probeTcp(spec);
      case 'HTTP_GET':
      case 'SSL_GET': return await probeHttp(spec);
      case 'MISC_CHECK': return await probeMisc(spec, configuredWeight);
      case 'PING_CHECK': return await probePing(spec);
      case 'UDP_CHECK': return await probeUdp(spec);
      case 'DNS_CHECK': return await probeDns(spec);
      case 'SMTP_CHECK': return await probeSmtp(spec);
    }
  } catch (err) {
    return failResult(0, `internal probe error: ${(err as Error)?.message ?? String(err)}`);
  }
}

/** Called once with the result of a probe started by startProbe. */
export type ProbeDone = (result: ProbeResult) => void;

/**
 * Starts one probe and calls `done` with its result, never from inside this call. TCP_CHECK,
 * the one run thousands of times a second, goes without promises; the others through runProbe.
 */
export function startProbe(spec: ProbeSpec, configuredWeight: number, done: ProbeDone): void {
  if (spec.type === 'TCP_CHECK') checkTcp(spec, done);
  else void runProbe(spec, configuredWeight).then(done);
}
