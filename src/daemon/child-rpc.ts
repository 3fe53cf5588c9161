// Request/response and notifications between the supervisor and its children over Node's IPC
// channel. Requests carry an id so replies can come back in any order; notifications
// (`{t: 'event'}`) flow child → parent (state changes, readiness) and parent → child (e.g. the
// VRRP state the checkers need for ha_suspend).
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';

export interface RpcRequestMsg { t: 'req'; id: number; method: string; params: unknown }
export interface RpcReplyMsg { t: 'rep'; id: number; ok: boolean; result?: unknown; error?: string }
export interface RpcEventMsg { t: 'event'; name: string; data: unknown }
export type RpcMsg = RpcRequestMsg | RpcReplyMsg | RpcEventMsg;

export class RpcError extends Error {
  override readonly name = 'RpcError';
}

function isRpcMsg(m: unknown): m is RpcMsg {
  return typeof m === 'object' && m !== null && typeof (m as { t?: unknown }).t === 'string';
}

/** Parent side: one per live child process. */
export class ChildRpc extends EventEmitter {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  constructor(readonly child: ChildProcess, readonly label: string) {
    super();
    child.on('message', (m: unknown) => {
      if (!isRpcMsg(m)) return;
      if (m.t === 'rep') this.settle(m);
      else if (m.t === 'event') this.emit('event', m.name, m.data);
    });
    child.on('exit', () => {
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new RpcError(`${label} process exited before answering`));
        this.pending.delete(id);
      }
    });
  }

  request(method: string, params: unknown = {}, timeoutMs = 10_000): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (!this.child.connected) {
        reject(new RpcError(`${this.label} process is not running`));
        return;
      }
      const id = this.nextId++;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RpcError(`${this.label} process did not answer '${method}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      // A child that died a moment ago makes send fail asynchronously: reject, never throw.
      this.child.send({ t: 'req', id, method, params } satisfies RpcRequestMsg, (err) => {
        if (!err) return;
        const p = this.pending.get(id);
        if (!p) return;
        this.pending.delete(id);
        clearTimeout(p.timer);
        p.reject(new RpcError(`${this.label} process: cannot send '${method}': ${err.message}`));
      });
    });
  }

  notify(name: string, data: unknown): void {
    if (this.child.connected) this.child.send({ t: 'event', name, data } satisfies RpcEventMsg, () => undefined);
  }

  private settle(m: RpcReplyMsg): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok) p.resolve(m.result);
    else p.reject(new RpcError(m.error ?? 'unknown error'));
  }
}

export type RpcHandlers = Record<string, (params: unknown) => Promise<unknown> | unknown>;

/** Child side: answers the parent's requests and sends events to it. */
export class ParentRpc extends EventEmitter {
  constructor(private readonly handlers: RpcHandlers) {
    super();
    process.on('message', (m: unknown) => {
      if (!isRpcMsg(m)) return;
      if (m.t === 'req') void this.answer(m);
      else if (m.t === 'event') this.emit('event', m.name, m.data);
    });
  }

  private async answer(m: RpcRequestMsg): Promise<void> {
    const handler = this.handlers[m.method];
    let reply: RpcReplyMsg;
    if (!handler) reply = { t: 'rep', id: m.id, ok: false, error: `unknown method '${m.method}'` };
    else {
      try {
        reply = { t: 'rep', id: m.id, ok: true, result: await handler(m.params) };
      } catch (err) {
        reply = { t: 'rep', id: m.id, ok: false, error: (err as Error).message };
      }
    }
    if (process.connected) process.send?.(reply, undefined, undefined, () => undefined);
  }

  event(name: string, data: unknown): void {
    if (process.connected) process.send?.({ t: 'event', name, data } satisfies RpcEventMsg, undefined, undefined, () => undefined);
  }
}
