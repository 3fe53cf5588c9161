// What the supervisor tells each child (passed as JSON in KA_TS_CHILD_OPTIONS). The
// configuration model itself comes over the RPC channel (`init`, `reload`): see child-bootstrap.
import type { LogFlags } from './logger.js';

export interface ChildOptions extends LogFlags {
  configFile: string;
  configId?: string;
  /** -V: keep VIPs, routes and rules on stop. */
  dontReleaseVrrp: boolean;
  /** -I: keep the IPVS table on stop. */
  dontReleaseIpvs: boolean;
  /** -X: release VIPs on transition from a signal. */
  releaseVips: boolean;
  ipvsBackend: 'auto' | 'ipvsadm' | 'nft' | 'dry-run';
  /** Identifies this daemon (namespace name or 'default') in logs and nft table names. */
  instanceTag: string;
}

export class ChildOptionsError extends Error {
  override readonly name = 'ChildOptionsError';
}

export function readChildOptions(): ChildOptions {
  const raw = process.env.KA_TS_CHILD_OPTIONS;
  if (!raw) throw new ChildOptionsError('KA_TS_CHILD_OPTIONS is not set: this module is started by the ka-ts supervisor');
  return JSON.parse(raw) as ChildOptions;
}
