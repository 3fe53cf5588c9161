// Small builders for checker specs used by the check unit tests.
import type { CheckerSpec, CheckerTiming, RealServerSpec, VirtualServerSpec } from '../../../src/check/spec.js';

export const timing = (t: Partial<CheckerTiming> = {}): CheckerTiming =>
  ({ delayLoopMs: 1000, retry: 1, delayBeforeRetryMs: 200, warmupMs: 0, alpha: false, ...t });

export const tcp = (port: number, t: Partial<CheckerTiming> = {}): CheckerSpec =>
  ({ probe: { type: 'TCP_CHECK', connect: { host: '127.0.0.1', port, timeoutMs: 500 } }, timing: timing(t) });

export const rs = (address: string, port: number, r: Partial<RealServerSpec> = {}): RealServerSpec =>
  ({ address, port, weight: 1, inhibitOnFailure: false, checkers: [tcp(port)], ...r });

export const vs = (v: Partial<VirtualServerSpec> = {}): VirtualServerSpec =>
  ({ id: 'TCP:10.0.0.1:80', quorum: 1, hysteresis: 0, alpha: false, omega: false, haSuspend: false, realServers: [], ...v });
