// Pid files as keepalived writes them: the decimal pid and a newline. A pid file naming a live
// process means another daemon is running with the same files, and starting would make two
// daemons fight over the same VIPs, so it is refused; a stale one is replaced.
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class PidFileInUseError extends Error {
  override readonly name = 'PidFileInUseError';
  constructor(readonly file: string, readonly pid: number) {
    super(`pid file ${file} names running process ${pid}: another daemon is using these files (use -p/-r/-c or -s NAMESPACE)`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readPidFile(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Writes `pid` to `file`, refusing when the file names another live process. */
export function writePidFile(file: string, pid: number = process.pid): void {
  const existing = readPidFile(file);
  if (existing !== undefined && existing !== pid && isAlive(existing)) throw new PidFileInUseError(file, existing);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${pid}\n`, { mode: 0o644 });
}

/** Removes `file` only if it still names `pid` (a successor may already own it). */
export function removePidFile(file: string, pid: number = process.pid): void {
  if (readPidFile(file) !== pid) return;
  try {
    unlinkSync(file);
  } catch {
    // already gone: nothing to clean
  }
}
