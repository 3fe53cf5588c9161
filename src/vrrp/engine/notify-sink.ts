// Where the engine reports state changes for notify scripts. The daemon supplies its own sink
// (notify_fifo, script_user, enable_script_security, timeouts: issue 3 item 5 lives there);
// the default here only spawns the configured scripts keepalived-style and never waits for them,
// because the VRRP timer path must not depend on how long a user's script takes.
import { spawn } from 'node:child_process';

export type NotifyKind = 'INSTANCE' | 'GROUP';
export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP';

export interface NotifyEvent {
  kind: NotifyKind;
  name: string;
  state: NotifyState;
  priority: number;
  /** Scripts configured for this instance/group (keepalived's notify_* keywords). */
  scripts: NotifyScripts;
}

export interface NotifyScripts {
  notify?: string;
  master?: string;
  backup?: string;
  fault?: string;
  stop?: string;
}

export interface NotifySink {
  /** Called synchronously on the engine's path: must return at once. */
  notify(event: NotifyEvent): void;
}

/** Splits a keepalived script line into argv, honouring double and single quotes. */
export function splitScriptLine(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/**
 * Spawns `notify_<state>` (no extra arguments, as keepalived) and `notify` with
 * `TYPE name STATE priority`. Spawn errors are counted and reported through `onError`.
 */
export class SpawnNotifySink implements NotifySink {
  spawned = 0;
  failed = 0;

  constructor(private readonly onError: (script: string, err: Error) => void = () => {}) {}

  notify(ev: NotifyEvent): void {
    const specific = ev.state === 'MASTER' ? ev.scripts.master : ev.state === 'BACKUP' ? ev.scripts.backup
      : ev.state === 'FAULT' ? ev.scripts.fault : ev.scripts.stop;
    if (specific) this.run(splitScriptLine(specific));
    if (ev.scripts.notify) this.run([...splitScriptLine(ev.scripts.notify), ev.kind, ev.name, ev.state, String(ev.priority)]);
  }

  private run(argv: string[]): void {
    const [cmd, ...args] = argv;
    if (!cmd) return;
    try {
      const child = spawn(cmd, args, { stdio: 'ignore', detached: false });
      this.spawned += 1;
      child.on('error', (err) => { this.failed += 1; this.onError(cmd, err); });
      child.unref();
    } catch (err) {
      this.failed += 1;
      this.onError(cmd, err as Error);
    }
  }
}
