// keepalived 2.2.7's checker defaults and their inheritance (keepalived.conf(5), check_api.c
// queue_checker, check_parser.c): a value set on the checker wins over the real server's, which
// wins over the virtual server's, which wins over the default. Times come in seconds, as in
// keepalived.conf, and leave in milliseconds. The daemon's config mapping uses this so that no
// caller re-invents a default.

import type { CheckerTiming, ProbeSpec } from './spec.js';

export const DEFAULT_DELAY_LOOP_S = 60;
export const DEFAULT_CONNECT_TIMEOUT_S = 5;
export const DEFAULT_SMTP_HELO = 'smtpchecker.keepalived.org';
export const DEFAULT_DNS_TYPE = 'SOA';
export const DEFAULT_DNS_NAME = '.';
export const DEFAULT_UDP_MAX_REPLY = 255;

/** Timing keywords as they may appear at each level (seconds; undefined = not set there). */
export interface TimingLayer {
  delayLoop?: number;
  retry?: number;
  delayBeforeRetry?: number;
  warmup?: number;
  alpha?: boolean;
  connectTimeout?: number;
}

/** keepalived: retry defaults to 3 for DNS_CHECK, 0 for MISC_CHECK, 1 otherwise. */
export function defaultRetry(type: ProbeSpec['type']): number {
  if (type === 'DNS_CHECK') return 3;
  if (type === 'MISC_CHECK') return 0;
  return 1;
}

/** keepalived: delay_before_retry defaults to delay_loop for DNS_CHECK, 3 s for HTTP_GET/SSL_GET, 1 s otherwise. */
export function defaultDelayBeforeRetryS(type: ProbeSpec['type'], delayLoopS: number): number {
  if (type === 'DNS_CHECK') return delayLoopS;
  if (type === 'HTTP_GET' || type === 'SSL_GET') return 3;
  return 1;
}

const pick = <K extends keyof TimingLayer>(k: K, layers: TimingLayer[]): TimingLayer[K] => {
  for (const l of layers) if (l[k] !== undefined) return l[k];
  return undefined;
};

const ms = (s: number): number => Math.round(s * 1000);

/** Resolves the timing of one checker from its own, its real server's and its virtual server's keywords. */
export function resolveTiming(type: ProbeSpec['type'], checker: TimingLayer, rs: TimingLayer, vs: TimingLayer): CheckerTiming & { connectTimeoutMs: number } {
  const layers = [checker, rs, vs];
  const delayLoopS = pick('delayLoop', layers) ?? DEFAULT_DELAY_LOOP_S;
  const connectS = pick('connectTimeout', layers) ?? DEFAULT_CONNECT_TIMEOUT_S;
  return {
    delayLoopMs: ms(delayLoopS),
    retry: pick('retry', layers) ?? defaultRetry(type),
    delayBeforeRetryMs: ms(pick('delayBeforeRetry', layers) ?? defaultDelayBeforeRetryS(type, delayLoopS)),
    // Warmup: random initial delay up to warmup; keepalived's default is the delay_loop.
    warmupMs: ms(pick('warmup', layers) ?? delayLoopS),
    alpha: pick('alpha', layers) ?? false,
    // keepalived refuses a 0 connect_timeout; the parser reports it, we never run with 0.
    connectTimeoutMs: Math.max(1, ms(connectS)),
  };
}

export class StatusCodeError extends Error {
  override readonly name = 'StatusCodeError';
}

/** Parses keepalived's `status_code 200-299 301 302` words into inclusive ranges. */
export function parseStatusCodes(words: string[]): Array<[number, number]> {
  return words.map((w) => {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(w);
    if (!m) throw new StatusCodeError(`invalid status_code "${w}": expected NNN or NNN-NNN`);
    const lo = Number(m[1]);
    const hi = m[2] ? Number(m[2]) : lo;
    if (lo < 100 || hi > 599 || lo > hi) throw new StatusCodeError(`invalid status_code range "${w}": codes are 100-599, low ≤ high`);
    return [lo, hi] as [number, number];
  });
}
