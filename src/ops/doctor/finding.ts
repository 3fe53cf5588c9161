// One doctor finding: how bad, what is wrong, why it matters, and the exact fix.
export type Severity = 'info' | 'warning' | 'error';

export interface Finding {
  /** Stable identifier for scripts and CI (e.g. "vrrp-filtered"). */
  id: string;
  severity: Severity;
  what: string;
  why: string;
  fix: string;
  /** Config location when the finding comes from a config line. */
  where?: string;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Exit code = worst finding: 0 none or info only, 1 a warning, 2 an error. */
export function exitCodeFor(findings: readonly Finding[]): number {
  return findings.reduce((m, f) => Math.max(m, RANK[f.severity]), 0);
}
