// What the supervisor tells each child (passed as JSON in KA_TS_CHILD_OPTIONS): the child
// re-reads the configuration itself, as keepalived's children do, so no model crosses the pipe.
export interface ChildOptions {
  configFile: string;
  configId?: string;
  logConsole: boolean;
  logJson: boolean;
  logDetail: boolean;
  logFacility?: string;
  logFile?: string;
  noSyslog: boolean;
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
