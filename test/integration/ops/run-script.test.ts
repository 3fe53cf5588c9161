// runScript, script_user resolution and enable_script_security checks against real scripts in a
// temporary directory (and, as root, a real uid switch to `nobody`).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript } from '../../../src/ops/run-script.js';
import { checkScriptSecurity } from '../../../src/ops/script-security.js';
import { lookupIdentity, resolveScriptUser, ROOT_IDENTITY } from '../../../src/ops/script-user.js';
import { isRoot, waitFor } from '../lib/netns.js';

let dir: string;

async function script(name: string, body: string, mode = 0o755): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, `#!/bin/sh\n${body}\n`);
  await chmod(p, mode);
  return p;
}

const alive = (pid: number): boolean => {
  try { process.kill(pid, 0); return true; } catch { return false; }
};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kt-ops-script-'));
  await chmod(dir, 0o755);
});
after(async () => { await rm(dir, { recursive: true, force: true }); });

test('runScript reports the exit code and passes keepalived-quoted and extra arguments', async () => {
  const out = join(dir, 'args.out');
  const s = await script('args.sh', `printf '%s|' "$@" > ${out}; exit 3`);
  const r = await runScript(`${s} "two words" 'x'`, { timeoutMs: 5000, extraArgs: ['INSTANCE', 'VI_1', 'MASTER', '100'] });
  assert.equal(r.code, 3);
  assert.equal(r.timedOut, false);
  assert.equal(r.error, undefined);
  assert.equal(await readFile(out, 'utf8'), 'two words|x|INSTANCE|VI_1|MASTER|100|');
});

test('runScript kills a hung script and everything it started after the timeout', async () => {
  const pidFile = join(dir, 'child.pid');
  const s = await script('hang.sh', `sleep 300 & echo $! > ${pidFile}; wait`);
  const r = await runScript(s, { timeoutMs: 300, killGraceMs: 200 });
  assert.equal(r.timedOut, true);
  assert.equal(r.code, null);
  assert.ok(r.signal === 'SIGTERM' || r.signal === 'SIGKILL', `killed by a signal, got ${String(r.signal)}`);
  const childPid = Number((await readFile(pidFile, 'utf8')).trim());
  await waitFor(() => !alive(childPid), 3000);
});

test('runScript resolves with an error for a script that cannot start, never rejects', async () => {
  const r = await runScript(join(dir, 'does-not-exist.sh'), { timeoutMs: 1000 });
  assert.match(r.error ?? '', /ENOENT/);
  const u = await runScript('/bin/true', { timeoutMs: 1000, user: 'no-such-user-kt' });
  assert.match(u.error ?? '', /does not exist/);
});

test('runScript runs as script_user', { skip: isRoot() ? undefined : 'needs root to switch uid' }, async () => {
  const out = join(dir, 'id.out');
  await writeFile(out, '');
  await chmod(out, 0o666);
  const s = await script('id.sh', `id -u > ${out}`);
  const r = await runScript(s, { timeoutMs: 5000, user: 'nobody' });
  assert.equal(r.code, 0, r.error);
  const nobody = await lookupIdentity('nobody');
  assert.equal((await readFile(out, 'utf8')).trim(), String(nobody!.uid));
});

test('script_user resolution follows keepalived: configured user, keepalived_script, root unless script security', async () => {
  const nobody = await resolveScriptUser({ user: 'nobody', scriptSecurity: true });
  assert.equal(nobody.user, 'nobody');
  assert.ok(nobody.uid > 0);
  await assert.rejects(resolveScriptUser({ user: 'no-such-user-kt', scriptSecurity: false }), { name: 'ScriptUserError' });
  await assert.rejects(resolveScriptUser({ user: 'nobody', group: 'no-such-group-kt', scriptSecurity: false }), { name: 'ScriptUserError' });
  if (!(await lookupIdentity('keepalived_script'))) {
    assert.deepEqual(await resolveScriptUser({ scriptSecurity: false }), ROOT_IDENTITY);
    await assert.rejects(resolveScriptUser({ scriptSecurity: true }), /keepalived_script/);
  }
});

test('enable_script_security: root-owned 0755 script in root-owned dirs is secure', async () => {
  const s = await script('secure.sh', 'exit 0');
  const v = await checkScriptSecurity(s, ROOT_IDENTITY, { scriptSecurity: true });
  assert.deepEqual({ runnable: v.runnable, insecure: v.insecure, notFound: v.notFound }, { runnable: true, insecure: false, notFound: false });
});

test('enable_script_security: a world-writable script is disabled (flagged only without security)', async () => {
  const s = await script('ww.sh', 'exit 0', 0o757);
  const on = await checkScriptSecurity(s, ROOT_IDENTITY, { scriptSecurity: true });
  assert.equal(on.runnable, false);
  assert.equal(on.insecure, true);
  assert.match(on.reason ?? '', /ww\.sh is writable by everyone/);
  const off = await checkScriptSecurity(s, ROOT_IDENTITY, { scriptSecurity: false });
  assert.equal(off.runnable, true);
  assert.equal(off.insecure, true);
});

test('enable_script_security: a writable directory on the path makes the script insecure', async () => {
  const sub = join(dir, 'open');
  await mkdir(sub);
  await chmod(sub, 0o777);
  const s = join(sub, 'x.sh');
  await writeFile(s, '#!/bin/sh\n');
  await chmod(s, 0o755);
  const v = await checkScriptSecurity(s, ROOT_IDENTITY, { scriptSecurity: true });
  assert.equal(v.runnable, false);
  assert.match(v.reason ?? '', /\/open is writable by everyone \(mode 777\)/);
  // A sticky world-writable directory (like /tmp) is acceptable, as in keepalived.
  await chmod(sub, 0o1777);
  assert.equal((await checkScriptSecurity(s, ROOT_IDENTITY, { scriptSecurity: true })).runnable, true);
});

test('enable_script_security: non-root owner and symlinks to insecure targets are caught', { skip: isRoot() ? undefined : 'needs root to chown' }, async () => {
  const owned = await script('owned.sh', 'exit 0');
  await chown(owned, 65534, 0);
  const v = await checkScriptSecurity(owned, ROOT_IDENTITY, { scriptSecurity: true });
  assert.match(v.reason ?? '', /owned by uid 65534/);
  const insecureDir = join(dir, 'bad');
  await mkdir(insecureDir);
  await chmod(insecureDir, 0o777);
  const target = join(insecureDir, 't.sh');
  await writeFile(target, '#!/bin/sh\n');
  await chmod(target, 0o755);
  const link = join(dir, 'link.sh');
  await symlink(target, link);
  const l = await checkScriptSecurity(link, ROOT_IDENTITY, { scriptSecurity: true });
  assert.equal(l.runnable, false);
  assert.match(l.reason ?? '', /\/bad is writable/);
});

test('enable_script_security: bare names are searched on PATH; missing scripts are not found', async () => {
  const v = await checkScriptSecurity('true', ROOT_IDENTITY, { scriptSecurity: true, pathEnv: '/nonexistent-kt:/usr/bin:/bin' });
  assert.equal(v.runnable, true);
  assert.equal(v.path, '/usr/bin/true');
  const m = await checkScriptSecurity(join(dir, 'missing.sh'), ROOT_IDENTITY, { scriptSecurity: true });
  assert.equal(m.notFound, true);
  assert.equal(m.runnable, false);
});
