import { execFileSync } from 'node:child_process';
import { closeSync, constants, lstatSync, openSync, unlinkSync, writeSync } from 'node:fs';

/**
 * keepalived's `notify_fifo` / `vrrp_notify_fifo`: one line per event,
 * `INSTANCE "VI_1" MASTER 100` or `GROUP "G1" BACKUP 0` (vrrp_notify.c notify_fifo), written
 * the moment the state changes, so a reader sees events in exactly the order they happened —
 * keepalived's own answer to out-of-order notify scripts.
 *
 * The FIFO is opened O_RDWR|O_NONBLOCK as keepalived does: opening never waits for a reader and a
 * write never blocks the VRRP path. If the FIFO is full (no reader draining it), the line is dropped
 * and counted rather than stalling adverts.
 */
export class NotifyFifoError extends Error {
  constructor(readonly path: string, message: string) {
    super(`notify_fifo ${path}: ${message}`);
    this.name = 'NotifyFifoError';
  }
}

export type FifoEventState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'MASTER_RX_LOWER_PRI' | 'MASTER_PRIORITY' | 'BACKUP_PRIORITY';

/** The exact line keepalived writes (with trailing newline). */
export function fifoLine(kind: 'INSTANCE' | 'GROUP', name: string, state: FifoEventState, priority: number): string {
  return `${kind} "${name}" ${state} ${priority}\n`;
}

export class NotifyFifo {
  private fd: number | undefined;
  /** We made the FIFO, so we remove it on close (keepalived does the same). */
  private created = false;
  written = 0;
  dropped = 0;
  lastError: string | undefined;

  constructor(readonly path: string) {}

  /** Opens (creating with mkfifo, mode 0600, when absent). Throws NotifyFifoError. */
  open(): void {
    let exists = true;
    try {
      const st = lstatSync(this.path);
      if (!st.isFIFO()) throw new NotifyFifoError(this.path, 'exists and is not a FIFO');
    } catch (err) {
      if (err instanceof NotifyFifoError) throw err;
      exists = false;
    }
    if (!exists) {
      // Node has no mkfifo(2); coreutils' mkfifo is on every system keepalived runs on.
      try {
        execFileSync('mkfifo', ['-m', '0600', this.path], { stdio: 'pipe' });
      } catch (err) {
        throw new NotifyFifoError(this.path, `cannot create: ${(err as Error).message}`);
      }
      this.created = true;
    }
    try {
      this.fd = openSync(this.path, constants.O_RDWR | constants.O_NONBLOCK);
    } catch (err) {
      throw new NotifyFifoError(this.path, `cannot open: ${(err as Error).message}`);
    }
  }

  /** Writes one event line; never blocks, never throws. Returns false when the line was dropped. */
  write(line: string): boolean {
    if (this.fd === undefined) {
      this.dropped += 1;
      return false;
    }
    try {
      const buf = Buffer.from(line);
      // Lines are far below PIPE_BUF, so a write is atomic: all of it or EAGAIN.
      writeSync(this.fd, buf);
      this.written += 1;
      return true;
    } catch (err) {
      this.dropped += 1;
      this.lastError = (err as Error).message;
      return false;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (this.created) {
      try { unlinkSync(this.path); } catch { /* already removed */ }
      this.created = false;
    }
  }
}
