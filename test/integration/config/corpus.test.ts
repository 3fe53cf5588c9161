// Every configuration of ../shared/corpus gets the exit code keepalived 2.2.7 gave it
// (keepalived-verdicts.tsv), taken the same way: in a fresh network namespace holding exactly the
// interfaces the file names, config id "vm" (the host name of the machine that took the
// verdicts). Each accepted file's model must hold every vrrp_instance, virtual_server and
// real_server written in it, unless a diagnostic on that line says why it was dropped. A sample
// is also run through the real keepalived binary in the same namespace, to compare live.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { NetnsLab, rootSkipReason } from '../lib/netns.js';
import { interfacesNamed } from './corpus-interfaces.js';

const execFileP = promisify(execFile);
const CORPUS = join(process.cwd(), '..', 'shared', 'corpus');
const RUNNER = fileURLToPath(new URL('./conftest-runner.js', import.meta.url));
const skip = rootSkipReason();

interface Verdict { file: string; code: number; diagnostics: string }
interface Summary {
  exitCode: number;
  diagnostics: Array<{ message: string; severity: string; loc?: { file: string; line: number } }>;
  instances: Array<{ name: string; line: number }>;
  virtualServers: Array<{ line: number; realServers: Array<{ address: string; port: number; line: number }> }>;
}

function verdicts(tsv = 'keepalived-verdicts.tsv'): Verdict[] {
  const rows = readFileSync(join(CORPUS, tsv), 'utf8').trim().split('\n').slice(1);
  return rows.map((r) => {
    const [file, code, diagnostics] = r.split('\t');
    return { file: file!, code: Number(code), diagnostics: diagnostics ?? '' };
  });
}

async function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileP(cmd, args, { maxBuffer: 32 * 1024 * 1024, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Lines (in the top-level file) where `re` matches, outside comments. */
function declaredLines(text: string, re: RegExp): number[] {
  const out: number[] = [];
  text.split('\n').forEach((l, i) => {
    if (re.test(l.replace(/(^|\s)[#!].*/, ''))) out.push(i + 1);
  });
  return out;
}

const lab = new NetnsLab('config');
after(() => lab.cleanup());

let nsCounter = 0;
/** A fresh namespace holding `devs` (veth ends, up), deleted afterwards. */
async function inNamespace<T>(devs: readonly string[], fn: (ns: string) => Promise<T>): Promise<T> {
  const ns = await lab.addNs(`c${++nsCounter}`);
  try {
    let i = 0;
    for (const dev of devs) {
      i++;
      const add = await lab.exec(ns, 'ip', ['link', 'add', dev, 'type', 'veth', 'peer', 'name', `kvp${i}`], true);
      if (add.code === 0) await lab.exec(ns, 'ip', ['link', 'set', dev, 'up'], true);
    }
    return await fn(ns);
  } finally {
    await run('ip', ['netns', 'del', ns]);
  }
}

/**
 * Files that name the same interfaces share one namespace and one runner process: the verdict
 * depends only on which interfaces exist, and this keeps the test fast on a loaded machine.
 */
async function runGrouped(list: readonly Verdict[], devsOf: (file: string) => string[]): Promise<Map<string, { summary: Summary; code: number } | string>> {
  const groups = new Map<string, string[]>();
  for (const v of list) {
    const file = join(CORPUS, v.file);
    const key = devsOf(file).join(',');
    groups.set(key, [...(groups.get(key) ?? []), file]);
  }
  const out = new Map<string, { summary: Summary; code: number } | string>();
  for (const [key, files] of groups) {
    const r = await inNamespace(key ? key.split(',') : [], (ns) => run('ip', ['netns', 'exec', ns, process.execPath, RUNNER, 'vm', ...files]));
    const lines = r.stdout.split('\n').filter(Boolean);
    files.forEach((f, i) => {
      try {
        const summary = JSON.parse(lines[i] ?? '') as Summary & { file: string };
        assert.equal(summary.file, f);
        out.set(f, { summary, code: summary.exitCode });
      } catch {
        out.set(f, `runner failed (code ${r.code}): ${r.stderr.slice(0, 500)}`);
      }
    });
  }
  return out;
}

const all = verdicts();
const results = new Map<string, { summary: Summary; code: number }>();
const namedDevs = (file: string): string[] => interfacesNamed(readFileSync(file, 'latin1'));

test('corpus: every file gets keepalived 2.2.7\'s exit code', { skip }, async () => {
  assert.ok(all.length >= 100, `expected the whole corpus, found ${all.length} verdicts`);
  const got = await runGrouped(all, namedDevs);
  const mismatches: string[] = [];
  for (const v of all) {
    const r = got.get(join(CORPUS, v.file));
    if (typeof r !== 'object') {
      mismatches.push(`${v.file}: ${r ?? 'no result'}`);
      continue;
    }
    results.set(v.file, r);
    if (r.code !== v.code) {
      mismatches.push(`${v.file}: ka-ts ${r.code}, keepalived ${v.code}\n    keepalived: ${v.diagnostics.slice(0, 300)}\n    ka-ts: ${r.summary.diagnostics.slice(0, 4).map((d) => `${d.loc?.line ?? '-'}: ${d.message}`).join(' | ')}`);
    }
  }
  assert.deepEqual(mismatches, [], `${mismatches.length} of ${all.length} files differ:\n${mismatches.join('\n')}`);
});

test('corpus, second way: a namespace holding only lo gives keepalived-verdicts-lo-only.tsv', { skip }, async () => {
  const lo = verdicts('keepalived-verdicts-lo-only.tsv');
  const got = await runGrouped(lo, () => []);
  const mismatches: string[] = [];
  for (const v of lo) {
    const r = got.get(join(CORPUS, v.file));
    const code = typeof r === 'object' ? r.code : r;
    if (code !== v.code) mismatches.push(`${v.file}: ka-ts ${code}, keepalived ${v.code}: ${v.diagnostics.slice(0, 200)}`);
  }
  assert.deepEqual(mismatches, []);
});

test('corpus: accepted files model every vrrp_instance, virtual_server and real_server', { skip }, () => {
  assert.ok(results.size > 0, 'the exit-code test must run first');
  const problems: string[] = [];
  let checked = 0;
  for (const v of all) {
    const res = results.get(v.file);
    if (!res || v.code === 2 || v.code === 4) continue;
    const text = readFileSync(join(CORPUS, v.file), 'latin1');
    const top = join(CORPUS, v.file);
    const diagLines = new Set(res.summary.diagnostics.filter((d) => d.loc?.file === top).map((d) => d.loc!.line));
    const dropped: number[] = [];
    const has = (kind: string, lines: number[], modelLines: Set<number>): void => {
      for (const l of lines) {
        checked++;
        if (modelLines.has(l)) continue;
        // Declared but absent is fine only when a diagnostic on that line (or the next, for a
        // block opened on its own line) says why keepalived drops it too, or when it sits in a
        // virtual server dropped that way.
        const enclosing = kind === 'real_server' ? vsLines.filter((x) => x < l).pop() : undefined;
        if (diagLines.has(l) || diagLines.has(l + 1)) dropped.push(l);
        else if (enclosing === undefined || !dropped.includes(enclosing)) problems.push(`${v.file}:${l}: ${kind} missing from the model`);
      }
    };
    const vsLines = declaredLines(text, /^\s*virtual_server\s+(?!group\b)\S+\s+\d+/);
    has('vrrp_instance', declaredLines(text, /^\s*vrrp_instance\s+\S/), new Set(res.summary.instances.map((i) => i.line)));
    has('virtual_server', vsLines, new Set(res.summary.virtualServers.map((s) => s.line)));
    has('real_server', declaredLines(text, /^\s*real_server\s+\S/), new Set(res.summary.virtualServers.flatMap((s) => s.realServers.map((r) => r.line))));
  }
  assert.ok(checked > 100, `only ${checked} declarations checked`);
  assert.deepEqual(problems, []);
});

test('corpus sample: live keepalived and ka-ts agree in the same namespace', { skip }, async () => {
  const sample = all.filter((_, i) => i % 21 === 0);
  for (const v of sample) {
    const file = join(CORPUS, v.file);
    const pid = `/tmp/kt-config-${process.pid}-${nsCounter}`;
    const [ka, kats] = await inNamespace(namedDevs(file), async (ns) => [
      await run('ip', ['netns', 'exec', ns, 'keepalived', '-t', '-l', '-D', '-f', file, '-p', `${pid}.pid`, '-r', `${pid}.vrrp.pid`, '-c', `${pid}.check.pid`]),
      await run('ip', ['netns', 'exec', ns, process.execPath, RUNNER, 'vm', file]),
    ]);
    const summary = JSON.parse(kats.stdout) as Summary & { exitCode: number };
    assert.equal(summary.exitCode, ka.code, `${v.file}: keepalived says ${ka.code} (${ka.stderr.trim().slice(0, 300)}), ka-ts ${summary.exitCode}`);
    // Every line keepalived complains about (its "(file: Line N)" prefix), ka-ts complains about too.
    const kaLines = new Set([...ka.stderr.matchAll(/: Line (\d+)\)/g)].map((m) => Number(m[1])));
    const ours = new Set(summary.diagnostics.map((d) => d.loc?.line));
    const missed = [...kaLines].filter((l) => !ours.has(l) && !ours.has(l - 1) && !ours.has(l + 1));
    assert.deepEqual(missed, [], `${v.file}: keepalived reports lines ka-ts does not: ${ka.stderr.slice(0, 500)}`);
  }
});

before(() => {
  if (!skip) process.stderr.write(`corpus: ${all.length} files\n`);
});
