#!/usr/bin/env node
// Runs the compiled test suites with Node's built-in test runner.
//   node scripts/run-tests.mjs [unit|integration|all] [name-filter]
// Unit tests run in parallel; integration tests (network namespaces, real daemons, timing)
// run one file at a time so they do not compete for the two cores and skew each other's timers.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const which = process.argv[2] ?? 'all';
const filter = process.argv[3];

function find(dir) {
  let out = [];
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const e of entries.sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out = out.concat(find(p));
    else if (p.endsWith('.test.js') && (!filter || p.includes(filter))) out.push(p);
  }
  return out;
}

function run(files, concurrency) {
  if (files.length === 0) return 0;
  const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], { stdio: 'inherit' });
  return r.status ?? 1;
}

let rc = 0;
if (which === 'unit' || which === 'all') rc ||= run(find('dist/test/unit'), 2);
if (which === 'integration' || which === 'all') rc = run(find('dist/test/integration'), 1) || rc;
process.exit(rc);
