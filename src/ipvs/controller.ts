// The one object the checker process wires: picks the backend (--ipvs-backend), turns the
// configuration plus the checkers' results into the desired table (remembering quorum state for
// hysteresis) and hands it to the reconciler. Diagnostics are logged and counted, never thrown.
import type { BackendChoice } from './backend.js';
import { buildDesiredTable } from './desired-state.js';
import type { IpvsSpecError } from './errors.js';
import { IpvsReconciler, type IpvsLogger, type PassReport, type ReconcilerStats } from './reconciler.js';
import { selectBackend, type SelectOptions } from './select-backend.js';
import type { GlobalIpvsSpec, HealthMap, PoolInput, VirtualServerSpec } from './spec.js';

export interface IpvsControllerOptions extends SelectOptions {
  backend: BackendChoice;
  log: IpvsLogger;
  /** -I / --dont-release-ipvs */
  keepOnStop?: boolean;
  driftIntervalMs?: number;
  retryDelayMs?: number;
  /** keepalived lvs_flush */
  flushOnStart?: boolean;
  /** keepalived lvs_flush_onstop full */
  flushAllOnStop?: boolean;
  onPass?: (report: PassReport) => void;
}

export interface IpvsInputs {
  virtualServers: readonly VirtualServerSpec[];
  globals?: GlobalIpvsSpec;
  /** Per real server health (realServerKey); used for virtual servers without a pool. */
  health?: HealthMap;
  /** The checkers' PoolView per virtual server id. */
  pools?: ReadonlyMap<string, PoolInput>;
}

export class IpvsController {
  /** Spec problems of the last computation (also logged once per distinct message). */
  diagnostics: IpvsSpecError[] = [];
  private quorum = new Map<string, boolean>();
  private inputs: IpvsInputs = { virtualServers: [] };
  private readonly logged = new Set<string>();

  private constructor(private readonly reconciler: IpvsReconciler, private readonly log: IpvsLogger, readonly backendReason: string) {}

  /** Chooses the backend (logged, with the reason) and builds the reconciler; nothing is applied yet. */
  static async create(opts: IpvsControllerOptions): Promise<IpvsController> {
    const { backend, reason } = await selectBackend(opts.backend, opts);
    opts.log.info({ backend: backend.name }, `ipvs backend: ${reason}`);
    const r = new IpvsReconciler({
      backend, log: opts.log,
      ...(opts.keepOnStop !== undefined ? { keepOnStop: opts.keepOnStop } : {}),
      ...(opts.driftIntervalMs !== undefined ? { driftIntervalMs: opts.driftIntervalMs } : {}),
      ...(opts.retryDelayMs !== undefined ? { retryDelayMs: opts.retryDelayMs } : {}),
      ...(opts.onPass ? { onPass: opts.onPass } : {}),
      ...(opts.flushOnStart !== undefined ? { flushOnStart: opts.flushOnStart } : {}),
      ...(opts.flushAllOnStop !== undefined ? { flushAllOnStop: opts.flushAllOnStop } : {}),
    });
    return new IpvsController(r, opts.log, reason);
  }

  get backendName(): string {
    return this.reconciler.backendName;
  }

  get stats(): ReconcilerStats {
    return this.reconciler.stats;
  }

  /** Desired table, last table read and managed services (for status dumps). */
  snapshot(): ReturnType<IpvsReconciler['snapshot']> {
    return this.reconciler.snapshot();
  }

  /** Adopts the existing table and applies the first desired state. */
  start(inputs: IpvsInputs): Promise<PassReport> {
    this.inputs = inputs;
    return this.reconciler.start(this.compute());
  }

  /** New config (reload), health or pools: only the fields given are replaced. Resolves with the pass. */
  update(partial: Partial<IpvsInputs>): Promise<PassReport> {
    this.inputs = { ...this.inputs, ...partial };
    return this.reconciler.setDesired(this.compute());
  }

  /** A pass now with unchanged inputs (re-read, repair drift). */
  reconcileNow(): Promise<PassReport> {
    return this.reconciler.reconcileNow();
  }

  stop(): Promise<PassReport | undefined> {
    return this.reconciler.stop();
  }

  private compute() {
    const out = buildDesiredTable({
      virtualServers: this.inputs.virtualServers,
      health: this.inputs.health ?? new Map(),
      previousQuorum: this.quorum,
      ...(this.inputs.pools ? { pools: this.inputs.pools } : {}),
      ...(this.inputs.globals ? { globals: this.inputs.globals } : {}),
    });
    this.quorum = out.quorum;
    this.diagnostics = out.diagnostics;
    for (const d of out.diagnostics) {
      if (this.logged.has(d.message)) continue;
      if (this.logged.size > 10_000) this.logged.clear();
      this.logged.add(d.message);
      this.log.error({ where: d.where }, `ipvs: ${d.message}`);
    }
    return out.table;
  }
}
