import type { GlobalDefs } from '../config/model.js';
import { NotifyFifo } from './notify-fifo.js';
import { NotifyRunner, type NotifyOutcome } from './notify.js';
import { resolveScriptUser, type ScriptIdentity } from './script-user.js';

/**
 * Builds the VRRP process's notify runner from global_defs, as keepalived sets it up:
 * `script_user` (or keepalived_script / root), `enable_script_security`, `script_timeout`,
 * and both `notify_fifo` and `vrrp_notify_fifo` (every line goes to each). Problems are
 * returned as messages for the log, never thrown: a daemon with a broken FIFO or an unknown
 * script user still runs VRRP, just without those notifications.
 */
export interface NotifySetup {
  readonly runner: NotifyRunner;
  readonly identity?: ScriptIdentity;
  /** Things that did not work (each one log line at warning level). */
  readonly problems: readonly string[];
  /** Waits for queued scripts (bounded by their timeouts), then closes the FIFOs. */
  close(): Promise<void>;
}

export async function setupNotify(g: Pick<GlobalDefs, 'scriptUser' | 'enableScriptSecurity' | 'scriptTimeoutMs' | 'notifyFifo' | 'vrrpNotifyFifo'>,
  onOutcome?: (o: NotifyOutcome) => void): Promise<NotifySetup> {
  const problems: string[] = [];
  let identity: ScriptIdentity | undefined;
  let identityError: string | undefined;
  try {
    identity = await resolveScriptUser({
      scriptSecurity: g.enableScriptSecurity,
      ...(g.scriptUser ? { user: g.scriptUser.user, ...(g.scriptUser.group ? { group: g.scriptUser.group } : {}) } : {}),
    });
  } catch (err) {
    identityError = (err as Error).message;
    problems.push(`notify scripts disabled: ${identityError}`);
  }
  const fifos: NotifyFifo[] = [];
  for (const path of new Set([g.notifyFifo, g.vrrpNotifyFifo].filter((p): p is string => !!p))) {
    const f = new NotifyFifo(path);
    try {
      f.open();
      fifos.push(f);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  const runner = new NotifyRunner({
    identity,
    ...(identityError ? { identityError } : {}),
    scriptSecurity: g.enableScriptSecurity,
    ...(g.scriptTimeoutMs !== undefined ? { timeoutMs: g.scriptTimeoutMs } : {}),
    fifo: fifos,
    ...(onOutcome ? { onOutcome } : {}),
  });
  return {
    runner,
    ...(identity ? { identity } : {}),
    problems,
    close: async () => {
      await runner.idle();
      for (const f of fifos) f.close();
    },
  };
}
