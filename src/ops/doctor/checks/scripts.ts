// Script security: scripts keepalived runs as root must not be writable by anyone else, and
// enable_script_security should be on so that an insecure script is refused, not run.
import { checkScriptSecurity } from '../../script-security.js';
import { ROOT_IDENTITY } from '../../script-user.js';
import type { DoctorContext } from '../context.js';
import type { Finding } from '../finding.js';

export async function checkScripts(ctx: DoctorContext): Promise<Finding[]> {
  const scripts = [
    ...ctx.cfg.scripts.map((s) => ({ owner: `vrrp_script ${s.name}`, command: s.command, line: s.line })),
    ...ctx.cfg.notifyScripts,
  ].filter((s) => s.command);
  if (scripts.length === 0) return [];
  const out: Finding[] = [];
  if (!ctx.cfg.scriptSecurity) {
    out.push({ id: 'script-security-off', severity: 'warning', where: `${ctx.cfg.file}:${scripts[0]!.line}`,
      what: `${scripts.length} script(s) configured without enable_script_security`,
      why: 'scripts run as root; without script security a script (or a directory above it) that another user can write is still run — a root escalation',
      fix: 'add `enable_script_security` and `script_user keepalived_script` (or root) to global_defs' });
  }
  for (const s of scripts) {
    const exe = s.command.trim().split(/\s+/)[0]!;
    const v = await checkScriptSecurity(exe, ROOT_IDENTITY, { scriptSecurity: ctx.cfg.scriptSecurity });
    if (v.insecure) {
      out.push({ id: 'script-insecure', severity: 'error', where: `${ctx.cfg.file}:${s.line}`,
        what: `${s.owner}: ${v.reason ?? `${exe} is writable by non-root users`}`,
        why: 'anyone who can write it (or a directory above it) runs code as root on the director',
        fix: `chown root:root ${v.path ?? exe} && chmod go-w ${v.path ?? exe} (and the same for each directory above it)` });
    } else if (v.notFound || !v.executable) {
      out.push({ id: 'script-not-runnable', severity: 'error', where: `${ctx.cfg.file}:${s.line}`,
        what: `${s.owner}: ${v.reason ?? `${exe} is not executable`}`,
        why: 'a tracked script that cannot run counts as failing: the instance goes to FAULT',
        fix: `install ${exe} or correct the path; chmod 755 it` });
    }
  }
  return out;
}
