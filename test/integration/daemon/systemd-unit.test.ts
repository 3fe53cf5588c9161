// The shipped unit file passes `systemd-analyze verify` (with ExecStart pointed at this build,
// since /usr/bin/ka-ts exists only once the package is installed) and keeps the settings the
// daemon relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cliPath } from '../lib/ka-ts-daemon.js';

const run = promisify(execFile);

test('systemd/ka-ts.service passes systemd-analyze verify', async () => {
  const unit = readFileSync(join(process.cwd(), 'systemd', 'ka-ts.service'), 'utf8');
  assert.match(unit, /^Type=notify$/m);
  assert.match(unit, /^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
  assert.match(unit, /^KillMode=mixed$/m);
  assert.match(unit, /^RestrictAddressFamilies=.*AF_PACKET/m);
  assert.match(unit, /^ExecStart=\/usr\/bin\/ka-ts --dont-fork /m);
  const dir = mkdtempSync(join(tmpdir(), 'kt-unit-'));
  try {
    const file = join(dir, 'ka-ts.service');
    writeFileSync(file, unit.replace('/usr/bin/ka-ts', `${process.execPath} ${cliPath()}`));
    const r = await run('systemd-analyze', ['verify', file]).catch((e: { code: number; stderr: string }) => e);
    const stderr = 'stderr' in r ? r.stderr : '';
    // Only complaints about this unit count (the host's own units may have unrelated warnings).
    const ours = stderr.split('\n').filter((l) => l.includes('ka-ts.service'));
    assert.deepEqual(ours, [], stderr);
    assert.equal('code' in r ? r.code : 0, 0, stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
