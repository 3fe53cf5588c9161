// Model comparison helpers for tests: locations (and the file name) differ between a model and
// the model of its rendering, everything else must not.
import type { KeepalivedConfig } from '../../../src/config/model.js';

export function stripLocations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripLocations);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'loc' || k === 'file' || v === undefined) continue;
      out[k] = stripLocations(v);
    }
    return out;
  }
  return value;
}

export function comparable(cfg: KeepalivedConfig): unknown {
  return stripLocations(cfg);
}
