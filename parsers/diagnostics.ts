// Located diagnostics shared by every stage (preprocessor, parser, validation) and the exit code
// keepalived 2.2.7's config test would return for them (core/main.c config_test_exit keeps the
// numerically highest code: 2 missing parameter, 4 fatal, 5 error/warning, 6 script security).
import type { SourceLoc } from '../src/config/model.js';

export type Severity = 'error' | 'warning';

/** The exit code a diagnostic contributes. 0 = informational only. */
export type ExitClass = 0 | 2 | 4 | 5 | 6;

export interface Diagnostic {
  severity: Severity;
  message: string;
  /** Absent for whole-file facts (e.g. the script security summary). */
  loc?: SourceLoc;
  exitClass: ExitClass;
  /** Stable machine-readable code, e.g. 'unknown-keyword'. */
  code: string;
}

/** Collects diagnostics and counts them per code (the "counter" every bad input gets). */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];
  readonly counts = new Map<string, number>();

  add(d: Diagnostic): void {
    this.items.push(d);
    this.counts.set(d.code, (this.counts.get(d.code) ?? 0) + 1);
  }
  error(code: string, message: string, loc?: SourceLoc, exitClass: ExitClass = 5): void {
    this.add({ severity: 'error', code, message, exitClass, ...(loc ? { loc } : {}) });
  }
  warning(code: string, message: string, loc?: SourceLoc, exitClass: ExitClass = 5): void {
    this.add({ severity: 'warning', code, message, exitClass, ...(loc ? { loc } : {}) });
  }
  /** keepalived stops at the first keyword missing its value (exit 2). */
  hasFatalStop(): boolean {
    return this.items.some((d) => d.exitClass === 2);
  }
}

export function exitCodeOf(diags: readonly Diagnostic[]): 0 | 2 | 4 | 5 | 6 {
  let code: ExitClass = 0;
  for (const d of diags) if (d.exitClass > code) code = d.exitClass;
  return code;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const fa = a.loc?.file ?? '';
  const fb = b.loc?.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  return (a.loc?.line ?? 0) - (b.loc?.line ?? 0) || (a.loc?.col ?? 0) - (b.loc?.col ?? 0);
}

export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort(compareDiagnostics);
}

/** `file:line:col: error|warning: message` (whole-file diagnostics have no location prefix). */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.loc ? `${d.loc.file}:${d.loc.line}:${d.loc.col}: ` : '';
  return `${where}${d.severity}: ${d.message}`;
}
