import type { DaemonSnapshot } from '../snapshot.js';
import { dumpDirectory, writeDump, writeDumpSync, type DumpKind } from './write-dump.js';

/**
 * Answers SIGUSR1 / SIGUSR2 / SIGJSON fast enough for the exporters. mehdy/keepalived-exporter
 * reads /tmp/keepalived.* 10 ms after sending the signal, while a fresh snapshot has to be
 * gathered from the VRRP and checker children first. So the responder:
 *  1. writes at once, synchronously, from the last snapshot it has (if not older than `maxAgeMs`),
 *  2. then gathers a fresh snapshot and rewrites the file.
 * A reader therefore gets either a recent complete file or the fresh one, never a partial one
 * (both writes are atomic renames). Each written snapshot becomes the next cached one.
 */
export interface DumpResponderOptions {
  readonly snapshot: () => Promise<DaemonSnapshot>;
  readonly dir?: string;
  /** A cached snapshot older than this is not used for the immediate write (default 60 s). */
  readonly maxAgeMs?: number;
  readonly onWritten?: (kind: DumpKind, path: string, fresh: boolean) => void;
  readonly onError?: (kind: DumpKind, err: unknown) => void;
}

export class DumpResponder {
  private cached: DaemonSnapshot | undefined;

  constructor(private readonly opts: DumpResponderOptions) {}

  /** Remember a snapshot taken for another reason (ctl status, a scrape) for the next signal. */
  remember(snap: DaemonSnapshot): void {
    this.cached = snap;
  }

  /** Call from the signal handler; resolves when the fresh file is written. Never rejects. */
  async respond(kind: DumpKind): Promise<void> {
    const dir = this.opts.dir ?? dumpDirectory();
    const c = this.cached;
    if (c && Date.now() - c.takenAtMs <= (this.opts.maxAgeMs ?? 60_000)) {
      try {
        this.opts.onWritten?.(kind, writeDumpSync(kind, c, dir), false);
      } catch (err) {
        this.opts.onError?.(kind, err);
      }
    }
    try {
      const fresh = await this.opts.snapshot();
      this.cached = fresh;
      this.opts.onWritten?.(kind, await writeDump(kind, fresh, dir), true);
    } catch (err) {
      this.opts.onError?.(kind, err);
    }
  }
}
