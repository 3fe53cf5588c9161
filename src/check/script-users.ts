// Looks up, once and ahead of checkerSpecsFromConfig (which is synchronous), the identities
// MISC_CHECK scripts run as: each checker's `user USER [GROUP]`, and the default for scripts
// without one (global script_user, else keepalived_script when it exists, else root — see
// ops/script-user.ts). Users that do not exist are simply absent: checkerSpecsFromConfig then
// reports that checker with its location and leaves it out, as keepalived does.

import type { KeepalivedConfig, ScriptUser } from '../config/model.js';
import { lookupIdentity, resolveScriptUser } from '../ops/script-user.js';
import type { FromConfigOptions } from './from-config.js';

const keyOf = (u: ScriptUser): string => `${u.user}:${u.group ?? ''}`;

export async function checkerScriptUsers(cfg: Pick<KeepalivedConfig, 'virtualServers' | 'globalDefs'>): Promise<FromConfigOptions & { defaultUserError?: string }> {
  const wanted = new Map<string, ScriptUser>();
  let anyWithoutUser = false;
  for (const vs of cfg.virtualServers) {
    for (const rs of vs.realServers) {
      for (const c of rs.checkers) {
        if (c.type !== 'MISC_CHECK') continue;
        if (c.user) wanted.set(keyOf(c.user), c.user); else anyWithoutUser = true;
      }
    }
  }
  const found = new Map<string, { uid: number; gid: number }>();
  for (const [k, u] of wanted) {
    const id = await lookupIdentity(u.user, u.group);
    if (id) found.set(k, { uid: id.uid, gid: id.gid });
  }
  const out: FromConfigOptions & { defaultUserError?: string } = { resolveUser: (u) => found.get(keyOf(u)) };
  if (anyWithoutUser) {
    try {
      const g = cfg.globalDefs.scriptUser;
      const id = await resolveScriptUser({ ...(g ? { user: g.user, ...(g.group ? { group: g.group } : {}) } : {}), scriptSecurity: cfg.globalDefs.enableScriptSecurity });
      out.defaultScriptUser = { uid: id.uid, gid: id.gid };
    } catch (err) {
      out.defaultUserError = (err as Error).message;
    }
  }
  return out;
}
