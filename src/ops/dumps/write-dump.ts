import { randomBytes } from 'node:crypto';
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { DaemonSnapshot } from '../snapshot.js';
import { renderDataDump } from './data-dump.js';
import { renderJsonDump } from './json-dump.js';
import { renderStatsDump } from './stats-dump.js';

/** The three dumps keepalived writes on a signal: SIGUSR1 → data, SIGUSR2 → stats, SIGJSON → json. */
export type DumpKind = 'data' | 'stats' | 'json';

const FILE_NAMES: Readonly<Record<DumpKind, string>> = {
  data: 'keepalived.data',
  stats: 'keepalived.stats',
  json: 'keepalived.json',
};

const RENDERERS: Readonly<Record<DumpKind, (s: DaemonSnapshot) => string>> = {
  data: renderDataDump,
  stats: renderStatsDump,
  json: renderJsonDump,
};

export class DumpWriteError extends Error {
  constructor(readonly path: string, override readonly cause: unknown) {
    super(`cannot write dump ${path}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'DumpWriteError';
  }
}

/**
 * keepalived writes its dumps under $TMPDIR (default /tmp; core/main.c set_tmp_dir), which is
 * also how tests and several daemons on one host keep their dumps apart.
 */
export function dumpDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.TMPDIR && env.TMPDIR.length > 0 ? env.TMPDIR : '/tmp';
}

export function dumpPath(kind: DumpKind, dir = dumpDirectory()): string {
  return join(dir, FILE_NAMES[kind]);
}

export function renderDump(kind: DumpKind, snap: DaemonSnapshot): string {
  return RENDERERS[kind](snap);
}

/**
 * Writes one dump and returns its path. Mode 0600 as keepalived (umask 0177). The file is written
 * to a fresh, exclusively-created temporary name and renamed into place, so an exporter that reads
 * right after signalling never sees a half-written file, and a symlink planted at the final name
 * in a shared /tmp is replaced rather than followed.
 */
export async function writeDump(kind: DumpKind, snap: DaemonSnapshot, dir = dumpDirectory()): Promise<string> {
  const finalPath = dumpPath(kind, dir);
  const tmpPath = `${finalPath}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    const fh = await open(tmpPath, 'wx', 0o600);
    try {
      await fh.writeFile(renderDump(kind, snap));
    } finally {
      await fh.close();
    }
    await rename(tmpPath, finalPath);
    return finalPath;
  } catch (err) {
    await unlink(tmpPath).catch(() => undefined);
    throw new DumpWriteError(finalPath, err);
  }
}

/**
 * The same write, synchronously: used to answer a signal from an already available snapshot
 * before the event loop turns (mehdy/keepalived-exporter opens the file 10 ms after signalling).
 */
export function writeDumpSync(kind: DumpKind, snap: DaemonSnapshot, dir = dumpDirectory()): string {
  const finalPath = dumpPath(kind, dir);
  const tmpPath = `${finalPath}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    const fd = openSync(tmpPath, 'wx', 0o600);
    try {
      writeSync(fd, renderDump(kind, snap));
    } finally {
      closeSync(fd);
    }
    renameSync(tmpPath, finalPath);
    return finalPath;
  } catch (err) {
    try { unlinkSync(tmpPath); } catch { /* never created */ }
    throw new DumpWriteError(finalPath, err);
  }
}
