// How a child starts: it opens its RPC channel first (so no request from the parent is ever
// lost), then waits for the parent's `init` carrying the configuration model the parent has
// accepted. A respawned child therefore runs the configuration in force, never an edited file
// the parent has not validated. Requests that arrive before the child is running wait for it.
import type { KeepalivedConfig } from '../config/model.js';
import { ParentRpc, type RpcHandlers } from './child-rpc.js';

export interface ChildBootstrap {
  rpc: ParentRpc;
  /** Resolves with the model from the parent's `init`. */
  initialModel: Promise<KeepalivedConfig>;
  /** Installs the running child's handlers; requests queued until now are answered. */
  serve(handlers: RpcHandlers): void;
}

export function bootstrapChild(): ChildBootstrap {
  let resolveModel!: (m: KeepalivedConfig) => void;
  const initialModel = new Promise<KeepalivedConfig>((r) => { resolveModel = r; });
  let resolveHandlers!: (h: RpcHandlers) => void;
  const handlers = new Promise<RpcHandlers>((r) => { resolveHandlers = r; });
  const forward = (method: string) => async (params: unknown): Promise<unknown> => {
    const h = (await handlers)[method];
    if (!h) throw new Error(`unknown method '${method}'`);
    return await h(params);
  };
  const methods = ['snapshot', 'counters', 'reload', 'demote', 'restore', 'stop', 'clear-stats', 'resend-state'];
  const rpc = new ParentRpc({
    init: (p) => {
      resolveModel((p as { model: KeepalivedConfig }).model);
      return {};
    },
    ...Object.fromEntries(methods.map((m) => [m, forward(m)])),
  });
  return { rpc, initialModel, serve: (h) => resolveHandlers(h) };
}
