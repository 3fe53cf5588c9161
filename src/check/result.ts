// What one probe returns. A probe never throws: every failure is a result with a reason.

export interface ProbeResult {
  ok: boolean;
  /** Short, human-readable cause ("connection refused", "status 503 not in 200-299", …). */
  reason: string;
  /** Wall time the probe took, measured on the monotonic clock. */
  latencyMs: number;
  /** MISC_CHECK misc_dynamic: the weight this result sets (exit code − 2, or the configured one). */
  weight?: number;
}

export const okResult = (latencyMs: number, reason = 'ok'): ProbeResult => ({ ok: true, reason, latencyMs });
export const failResult = (latencyMs: number, reason: string): ProbeResult => ({ ok: false, reason, latencyMs });

/** Milliseconds since `start` (a performance.now() value). */
export const elapsedSince = (start: number): number => Math.round((performance.now() - start) * 1000) / 1000;

/** Maps a socket error to the short reason keepalived-like logs use. */
export function errorReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  switch (e?.code) {
    case 'ECONNREFUSED': return 'connection refused';
    case 'ECONNRESET': return 'connection reset';
    case 'EHOSTUNREACH': return 'host unreachable';
    case 'ENETUNREACH': return 'network unreachable';
    case 'EADDRINUSE': return 'bind address in use';
    case 'EADDRNOTAVAIL': return 'bind address not available';
    case 'ETIMEDOUT': return 'timeout';
    case 'ECONNABORTED': return 'connection aborted';
    default: return e?.code ? `${e.code}: ${e.message}` : String((err as Error)?.message ?? err);
  }
}
