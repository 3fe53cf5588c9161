import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/** The uid/gid a script runs as (keepalived's `script_user USER [GROUP]`). */
export interface ScriptIdentity {
  readonly user: string;
  readonly uid: number;
  readonly gid: number;
}

export const ROOT_IDENTITY: ScriptIdentity = { user: 'root', uid: 0, gid: 0 };

/** keepalived's default script user when `script_user` is not configured (lib/notify.c). */
export const DEFAULT_SCRIPT_USER = 'keepalived_script';

export class ScriptUserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScriptUserError';
  }
}

/** One `getent DB KEY` lookup; undefined when the entry does not exist (exit status 2). */
async function getent(db: 'passwd' | 'group', key: string): Promise<string[] | undefined> {
  try {
    const { stdout } = await execFileP('getent', [db, key]);
    const line = stdout.split('\n')[0];
    return line ? line.split(':') : undefined;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 2) return undefined;
    throw new ScriptUserError(`getent ${db} ${key} failed: ${(err as Error).message}`);
  }
}

/** Looks a user (and optionally a group) up through NSS (`getent`), as getpwnam/getgrnam would. */
export async function lookupIdentity(user: string, group?: string): Promise<ScriptIdentity | undefined> {
  const pw = await getent('passwd', user);
  if (!pw) return undefined;
  const uid = Number(pw[2]);
  let gid = Number(pw[3]);
  if (group !== undefined) {
    const gr = await getent('group', group);
    if (!gr) throw new ScriptUserError(`script_user: group '${group}' does not exist`);
    gid = Number(gr[2]);
  }
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new ScriptUserError(`script_user: malformed passwd entry for '${user}'`);
  return { user, uid, gid };
}

/**
 * The identity scripts run as, resolved as keepalived 2.2.7 does:
 *  - `script_user USER [GROUP]` configured: that user, or an error when it does not exist;
 *  - otherwise `keepalived_script` when that user exists;
 *  - otherwise root — except with `enable_script_security`, where keepalived refuses
 *    ("Unable to set default user for vrrp script ... - removing"): reported as an error here too.
 */
export async function resolveScriptUser(opts: { user?: string; group?: string; scriptSecurity: boolean }): Promise<ScriptIdentity> {
  if (opts.user !== undefined) {
    const id = await lookupIdentity(opts.user, opts.group);
    if (!id) throw new ScriptUserError(`script_user '${opts.user}' does not exist`);
    return id;
  }
  const dflt = await lookupIdentity(DEFAULT_SCRIPT_USER);
  if (dflt) return dflt;
  if (opts.scriptSecurity) {
    throw new ScriptUserError(
      `default script user '${DEFAULT_SCRIPT_USER}' does not exist and enable_script_security is set: ` +
        `scripts will not run as root implicitly; set 'script_user root' or create the user`,
    );
  }
  return ROOT_IDENTITY;
}
