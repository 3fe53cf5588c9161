// The ka-ts command itself (the compiled src/cli/main.js) as an operator runs it: keepalived's
// config-test spellings, exit codes and diagnostics on stderr, plus `config convert`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kt-config-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const kats = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 60_000 });

const CLEAN = 'virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n real_server 10.0.0.2 80 {\n TCP_CHECK {\n connect_timeout 2\n }\n }\n}\n';
const BAD = 'virtual_server 10.0.0.1 80 {\n lb_algo nope\n lb_kind NAT\n protocol TCP\n real_server 10.0.0.2 80 {\n }\n}\n';

test('-t / --check-config / --config-test[=FILE] with -l -D, as keepalived', () => {
  const clean = join(dir, 'clean.conf');
  const bad = join(dir, 'bad.conf');
  writeFileSync(clean, CLEAN);
  writeFileSync(bad, BAD);
  for (const flag of ['-t', '--check-config', '--config-test']) {
    const ok = kats(flag, '-l', '-D', '-f', clean);
    assert.equal(ok.status, 0, `${flag}: ${ok.stderr}`);
    assert.equal(ok.stdout, '');
    assert.equal(ok.stderr, '');
    const ko = kats(flag, '-f', bad);
    assert.equal(ko.status, 5, `${flag}: ${ko.stderr}`);
    assert.match(ko.stderr, new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:10: warning: lb_algo: 'nope' is not one of`));
  }
  const out = join(dir, 'diag.txt');
  const toFile = kats(`--config-test=${out}`, '-f', bad);
  assert.equal(toFile.status, 5);
  assert.equal(toFile.stderr, '');
  assert.match(readFileSync(out, 'utf8'), /lb_algo/);
  assert.equal(kats('-t', '-f', join(dir, 'missing.conf')).status, 4);
});

test('-t --ipvs-backend nft rejects what nftables cannot carry (exit 5, located); without the flag keepalived\'s verdict stands', () => {
  const lc = join(dir, 'lc.conf');
  writeFileSync(lc, CLEAN.replace('lb_algo rr', 'lb_algo lc'));
  assert.equal(kats('-t', '-f', lc).status, 0);
  const r = kats('-t', '--ipvs-backend', 'nft', '-f', lc);
  assert.equal(r.status, 5, r.stderr);
  assert.match(r.stderr, new RegExp(`${lc.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:1: error: virtual_server 10\\.0\\.0\\.1 80 TCP: lb_algo lc needs per-destination connection state`));
  const clean = join(dir, 'clean.conf');
  writeFileSync(clean, CLEAN);
  assert.equal(kats('-t', '--ipvs-backend', 'nft', '-f', clean).status, 0);
});

test('config convert through the command: conf → YAML → conf', () => {
  const clean = join(dir, 'site.conf');
  writeFileSync(clean, CLEAN);
  const yaml = kats('config', 'convert', '-f', clean);
  assert.equal(yaml.status, 0, yaml.stderr);
  assert.match(yaml.stdout, /^virtual_server 10\.0\.0\.1 80:$/m);
  const y = join(dir, 'site.yaml');
  writeFileSync(y, yaml.stdout);
  assert.equal(kats('-t', '-f', y).status, 0);
  const back = kats('config', 'convert', '-f', y);
  assert.equal(back.status, 0, back.stderr);
  assert.match(back.stdout, /real_server 10\.0\.0\.2 80 \{/);
});
