// The CLI entry points on real files in a temporary directory (no root, no namespaces: the
// configs name no interface, so the host checks have nothing to say).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runConfigCommand } from '../../../src/cli/config-command.js';
import { runConfigTest } from '../../../src/cli/config-test.js';
import { loadConfig } from '../../../src/config/load.js';
import { comparable } from './model-compare.js';

const dir = mkdtempSync(join(tmpdir(), 'kats-config-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const CLEAN = 'global_defs {\n router_id t\n}\nvirtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n real_server 10.0.0.2 80 {\n TCP_CHECK {\n connect_timeout 2\n }\n }\n}\n';

async function capture(stream: 'stdout' | 'stderr', fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const s = process[stream];
  const orig = s.write.bind(s);
  let out = '';
  (s as { write: unknown }).write = (chunk: string | Uint8Array): boolean => {
    out += String(chunk);
    return true;
  };
  try {
    return { code: await fn(), out };
  } finally {
    (s as { write: unknown }).write = orig;
  }
}

test('-t: exit 0 and nothing printed for a clean file; 4 for a missing file', async () => {
  const f = join(dir, 'clean.conf');
  writeFileSync(f, CLEAN);
  assert.deepEqual(await capture('stderr', () => runConfigTest({ file: f })), { code: 0, out: '' });
  const missing = await capture('stderr', () => runConfigTest({ file: join(dir, 'nope.conf') }));
  assert.equal(missing.code, 4);
  assert.match(missing.out, /cannot be read/);
});

test('-t on YAML: a syntax error is fatal (exit 4, no model), keyword problems carry YAML lines', async () => {
  const broken = join(dir, 'broken.yaml');
  writeFileSync(broken, 'global_defs:\n  router_id: [unclosed\n');
  const r = await loadConfig(broken);
  assert.equal(r.exitCode, 4);
  assert.equal(r.model, undefined);
  const bad = join(dir, 'bad.yml');
  writeFileSync(bad, 'global_defs:\n  router_id: x\n  no_such_keyword: 1\n');
  const out = join(dir, 'yaml-diag.txt');
  assert.equal(await runConfigTest({ file: bad, outFile: out }), 5);
  assert.match(readFileSync(out, 'utf8'), /bad\.yml:3:3: warning: unknown keyword 'no_such_keyword'/);
});

test('--config-test=FILE writes located diagnostics there; JSON form has counts', async () => {
  const f = join(dir, 'bad.conf');
  writeFileSync(f, 'vrrp_instance V {\n virtual_router_id 1\n priority 300\n}\n');
  const out = join(dir, 'diag.txt');
  assert.equal(await runConfigTest({ file: f, outFile: out }), 5);
  const text = readFileSync(out, 'utf8');
  assert.match(text, new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:11: warning: priority: 300 is outside the range \\[1, 255\\]`, 'm'));
  const js = join(dir, 'diag.json');
  assert.equal(await runConfigTest({ file: f, json: true, outFile: js }), 5);
  const doc = JSON.parse(readFileSync(js, 'utf8')) as { exitCode: number; counts: Record<string, number> };
  assert.equal(doc.exitCode, 5);
  assert.equal(doc.counts['out-of-range'], 1);
});

test('config convert: conf → YAML → conf keeps the model', async () => {
  const f = join(dir, 'site.conf');
  writeFileSync(f, CLEAN);
  const y = join(dir, 'site.yaml');
  assert.equal(await runConfigCommand(['convert', '-f', f, '-o', y]), 0);
  const back = join(dir, 'back.conf');
  assert.equal(await runConfigCommand(['convert', '-f', y, '--to', 'conf', '-o', back]), 0);
  const [a, b, c] = await Promise.all([loadConfig(f), loadConfig(y), loadConfig(back)]);
  assert.equal(b.exitCode, 0);
  assert.deepEqual(comparable(b.model!), comparable(a.model!));
  assert.deepEqual(comparable(c.model!), comparable(a.model!));
});

test('config dump prints the resolved model with defaults', async () => {
  const f = join(dir, 'dump.conf');
  writeFileSync(f, CLEAN);
  // -o rather than stdout: the test runner itself talks to its parent over stdout.
  const out = join(dir, 'dump.json');
  assert.equal(await runConfigCommand(['dump', '--json', '-f', f, '-o', out]), 0);
  const m = JSON.parse(readFileSync(out, 'utf8')) as { virtualServers: Array<{ delayLoopMs: number; realServers: Array<{ weight: number }> }> };
  assert.equal(m.virtualServers[0]!.delayLoopMs, 60000);
  assert.equal(m.virtualServers[0]!.realServers[0]!.weight, 1);
  const bad = await capture('stderr', () => runConfigCommand(['frobnicate']));
  assert.equal(bad.code, 2);
});
