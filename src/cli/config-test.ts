// `ka-ts -t [-f FILE]` / `--config-test[=FILE]` / `--check-config`: keepalived's config test with
// keepalived 2.2.7's exit codes (0 clean, 2 missing value, 4 unreadable/fatal, 5 errors or
// warnings, 6 script security) and clearer, located diagnostics on stderr (or FILE).
import { writeFile } from 'node:fs/promises';
import { exitCodeOf, formatDiagnostic, sortDiagnostics, type Diagnostic } from '../../parsers/diagnostics.js';
import { loadConfig } from '../config/load.js';

export interface ConfigTestOptions {
  file: string;
  configId?: string | undefined;
  /** Diagnostics as one JSON document instead of lines. */
  json?: boolean | undefined;
  /** Write diagnostics here instead of stderr (keepalived's --config-test=FILE). */
  outFile?: string | undefined;
  /** --ipvs-backend: `nft` adds what that backend cannot carry (see backend-config-check.ts). */
  ipvsBackend?: string | undefined;
}

export function diagnosticsJson(file: string, exitCode: number, diagnostics: readonly Diagnostic[]): string {
  const counts: Record<string, number> = {};
  for (const d of diagnostics) counts[d.code] = (counts[d.code] ?? 0) + 1;
  return `${JSON.stringify({ file, exitCode, errors: diagnostics.filter((d) => d.severity === 'error').length, warnings: diagnostics.filter((d) => d.severity === 'warning').length, counts, diagnostics }, null, 2)}\n`;
}

export function diagnosticsText(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((d) => `${formatDiagnostic(d)}\n`).join('');
}

export async function runConfigTest(opts: ConfigTestOptions): Promise<number> {
  const r = await loadConfig(opts.file, opts.configId !== undefined ? { configId: opts.configId } : {});
  // Loaded only when asked for: a plain -t stays as lean as keepalived's.
  const extra = r.model && opts.ipvsBackend === 'nft' ? (await import('../daemon/backend-config-check.js')).backendDiagnostics(r.model, opts.ipvsBackend) : [];
  const diagnostics = extra.length ? sortDiagnostics([...r.diagnostics, ...extra]) : r.diagnostics;
  const exitCode = extra.length ? Math.max(r.exitCode, exitCodeOf(extra)) : r.exitCode;
  const text = opts.json ? diagnosticsJson(opts.file, exitCode, diagnostics) : diagnosticsText(diagnostics);
  if (opts.outFile !== undefined) await writeFile(opts.outFile, text);
  else if (text) process.stderr.write(text);
  return exitCode;
}
