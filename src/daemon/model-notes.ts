// What the daemon says about an accepted configuration, at start and on every reload alike:
// keywords ka-ts accepts but does not act on, and what the chosen IPVS backend cannot carry.
import { formatDiagnostic } from '../../parsers/diagnostics.js';
import type { KeepalivedConfig } from '../config/model.js';
import { backendDiagnostics } from './backend-config-check.js';
import type { Logger } from './logger.js';
import { unsupportedFeatures } from './unsupported-features.js';

export function logModelNotes(model: KeepalivedConfig, ipvsBackend: string | undefined, log: Logger): void {
  for (const f of unsupportedFeatures(model)) log.warn(`not implemented by ka-ts, accepted and ignored: ${f}`);
  for (const d of backendDiagnostics(model, ipvsBackend)) log.error({ diagnostic: d }, formatDiagnostic(d));
}
