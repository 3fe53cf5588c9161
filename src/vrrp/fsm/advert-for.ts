// The advert an instance sends for a 'sendAdvert' effect: spec + the effect's priority. Kept apart
// from the machine so the engine encodes exactly what the machine decided.
import type { VrrpAdvert } from '../packet/advert.js';
import type { VrrpInstanceSpec } from './spec.js';

export function advertFor(spec: VrrpInstanceSpec, priority: number): VrrpAdvert {
  const advert: VrrpAdvert = {
    version: spec.version,
    family: spec.family,
    vrid: spec.vrid,
    priority,
    advertIntMs: spec.advertIntMs,
    addresses: spec.vips,
    authType: spec.version === 2 ? spec.authType : 0,
  };
  if (spec.version === 2 && spec.authType === 1) advert.authPassword = spec.authPassword ?? '';
  return advert;
}
