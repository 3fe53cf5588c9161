import { constants } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { ScriptIdentity } from './script-user.js';

/**
 * `enable_script_security` as keepalived enforces it (lib/notify.c check_script_secure):
 *  - a bare name is looked up on $PATH (keepalived warns and uses the full path);
 *  - the script must exist; it "needs protection" when it runs as uid 0 or gid 0 (or is
 *    setuid/setgid root);
 *  - then every directory on its path from `/` down, and the file itself, must be owned by
 *    root and not writable by a non-root group or by others (a sticky directory such as /tmp
 *    may be world-writable). The real path is checked too, so a symlink cannot point a secure
 *    looking path at an insecure file.
 * With script security on, an insecure script is disabled; without, it runs and is flagged.
 */
export interface ScriptSecurityVerdict {
  /** The script may be run. */
  readonly runnable: boolean;
  /** Absolute path of the executable (after $PATH search). */
  readonly path?: string;
  readonly notFound: boolean;
  readonly executable: boolean;
  readonly insecure: boolean;
  /** Why it is insecure / not runnable, naming the offending path. */
  readonly reason?: string;
}

export class ScriptSecurityError extends Error {
  constructor(readonly script: string, readonly verdict: ScriptSecurityVerdict) {
    super(`script '${script}' disabled: ${verdict.reason ?? 'not runnable'}`);
    this.name = 'ScriptSecurityError';
  }
}

const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_ISVTX = 0o1000;

function isExecutableBy(mode: number, fileUid: number, fileGid: number, id: ScriptIdentity): boolean {
  if (id.uid === 0) return (mode & 0o111) !== 0;
  if (id.uid === fileUid) return (mode & 0o100) !== 0;
  if (id.gid === fileGid) return (mode & 0o010) !== 0;
  return (mode & 0o001) !== 0;
}

async function findOnPath(file: string, id: ScriptIdentity, pathEnv: string): Promise<string | undefined> {
  for (const dir of pathEnv.split(delimiter)) {
    const candidate = join(dir || '.', file);
    try {
      const st = await stat(candidate);
      if (st.isFile() && isExecutableBy(st.mode, st.uid, st.gid, id)) return candidate;
    } catch {
      // not in this directory: keep searching, as execvp does
    }
  }
  return undefined;
}

/** "/a/b/c" → ["/", "/a", "/a/b", "/a/b/c"] */
function pathPrefixes(abs: string): string[] {
  const parts = abs.split('/').filter(Boolean);
  const out = ['/'];
  for (let i = 1; i <= parts.length; i++) out.push('/' + parts.slice(0, i).join('/'));
  return out;
}

/** The first component of `abs` that a non-root user could modify, or undefined. */
async function firstUnsafeComponent(abs: string): Promise<string | undefined> {
  for (const p of pathPrefixes(abs)) {
    const st = await stat(p);
    const isFile = (st.mode & constants.S_IFMT) === constants.S_IFREG;
    const stickyDir = (st.mode & S_ISVTX) !== 0 && !isFile;
    const groupWritable = st.gid !== 0 && (st.mode & 0o020) !== 0;
    const worldWritable = (st.mode & 0o002) !== 0;
    if (st.uid !== 0) return `${p} is owned by uid ${st.uid}, not root`;
    if (!stickyDir && (groupWritable || worldWritable)) {
      return `${p} is writable by ${worldWritable ? 'everyone' : `group ${st.gid}`} (mode ${(st.mode & 0o7777).toString(8)})`;
    }
  }
  return undefined;
}

export async function checkScriptSecurity(
  executable: string,
  id: ScriptIdentity,
  opts: { scriptSecurity: boolean; pathEnv?: string },
): Promise<ScriptSecurityVerdict> {
  let path = executable;
  if (!executable.includes('/')) {
    const found = await findOnPath(executable, id, opts.pathEnv ?? process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin');
    if (!found) return { runnable: false, notFound: true, executable: false, insecure: false, reason: `'${executable}' not found on PATH` };
    path = found;
  }
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    return { runnable: false, path, notFound: true, executable: false, insecure: false, reason: `cannot access '${path}': ${(err as Error).message}` };
  }
  const executableForId = st.isFile() && isExecutableBy(st.mode, st.uid, st.gid, id);
  if (!executableForId) {
    // keepalived only warns here; the exec then fails and is reported as a script failure.
    return { runnable: true, path, notFound: false, executable: false, insecure: false, reason: `'${path}' is not executable for uid:gid ${id.uid}:${id.gid}` };
  }
  const needsProtection = id.uid === 0 || id.gid === 0 ||
    (st.uid === 0 && (st.mode & 0o100) !== 0 && (st.mode & S_ISUID) !== 0) ||
    (st.gid === 0 && (st.mode & 0o010) !== 0 && (st.mode & S_ISGID) !== 0);
  if (!needsProtection) return { runnable: true, path, notFound: false, executable: true, insecure: false };
  let unsafe = await firstUnsafeComponent(path);
  if (!unsafe) {
    const real = await realpath(path);
    if (real !== path) unsafe = await firstUnsafeComponent(real);
  }
  if (!unsafe) return { runnable: true, path, notFound: false, executable: true, insecure: false };
  return {
    runnable: !opts.scriptSecurity,
    path,
    notFound: false,
    executable: true,
    insecure: true,
    reason: `unsafe permissions: ${unsafe}`,
  };
}
