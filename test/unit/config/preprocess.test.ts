import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DiagnosticSink } from '../../../parsers/diagnostics.js';
import { preprocess } from '../../../parsers/preprocess.js';
import { memoryAccess } from './parse-helpers.js';

function lines(files: Record<string, string>, configId = 'vm') {
  const sink = new DiagnosticSink();
  const r = preprocess('/k/main.conf', { configId, access: memoryAccess(files) }, sink);
  return { text: r.lines.map((l) => l.tokens.map((t) => t.text).join(' ')), lines: r.lines, sink, found: r.found };
}

test('include: relative to the including file, globs sorted, nested', () => {
  const r = lines({
    '/k/main.conf': 'a\ninclude conf.d/*.conf\nz',
    '/k/conf.d/2.conf': 'two\ninclude ../inner/x.conf',
    '/k/conf.d/1.conf': 'one',
    '/k/inner/x.conf': 'inner',
  });
  assert.deepEqual(r.text, ['a', 'one', 'two', 'inner', 'z']);
  const inner = r.lines[3]!.tokens[0]!.loc;
  assert.deepEqual([inner.file, inner.line, inner.col], ['/k/inner/x.conf', 1, 1]);
});

test('include cycles are reported, not followed forever', () => {
  const r = lines({ '/k/main.conf': 'include a.conf', '/k/a.conf': 'x\ninclude main.conf' });
  assert.deepEqual(r.text, ['x']);
  assert.deepEqual(r.sink.items.map((d) => d.code), ['include-cycle']);
  assert.match(r.sink.items[0]!.message, /main\.conf -> \/k\/a\.conf -> \/k\/main\.conf/);
  assert.equal(r.sink.items[0]!.loc?.line, 2);
});

test('include with no match: plain include tolerates it, includea does not', () => {
  const r = lines({ '/k/main.conf': 'include none/*.conf\nincludea none/*.conf' });
  assert.deepEqual(r.sink.items.map((d) => [d.code, d.exitClass]), [['include-no-match', 0], ['include-no-match', 6]]);
});

test('@id and @^id conditional lines', () => {
  const src = { '/k/main.conf': '@vm priority 150\n@other priority 50\n@^vm state BACKUP\n@^other state MASTER' };
  assert.deepEqual(lines(src, 'vm').text, ['priority 150', 'state MASTER']);
  assert.deepEqual(lines(src, 'other').text, ['priority 50', 'state BACKUP']);
  // The kept line's words keep their own columns.
  assert.equal(lines(src, 'vm').lines[0]!.tokens[0]!.loc.col, 5);
});

test('$NAME definitions, ${NAME}, multi-line definitions', () => {
  const r = lines({
    '/k/main.conf': '$IF=eth0\n$RS=real_server 10.0.0.1 80 { \\\n weight 2 \\\n }\ninterface $IF\ninterface ${IF}x\n$RS\nunknown $NOPE',
  });
  assert.deepEqual(r.text, ['interface eth0', 'interface eth0x', 'real_server 10.0.0.1 80 {', 'weight 2', '}', 'unknown $NOPE']);
});

test('~SEQ replicates a line with the variable set', () => {
  assert.deepEqual(lines({ '/k/main.conf': '~SEQ(N, 3) n $N' }).text, ['n 1', 'n 2', 'n 3']);
  assert.deepEqual(lines({ '/k/main.conf': '~SEQ(N, 2, 4) n ${N}' }).text, ['n 2', 'n 3', 'n 4']);
  assert.deepEqual(lines({ '/k/main.conf': '~SEQ(N, 10, -5, 0) n $N' }).text, ['n 10', 'n 5', 'n 0']);
  const bad = lines({ '/k/main.conf': '~SEQ(N, 1, 0, 5) n $N' });
  assert.deepEqual(bad.text, []);
  assert.deepEqual(bad.sink.items.map((d) => d.code), ['seq-range']);
});

test('a missing top-level file is reported as not found', () => {
  assert.equal(lines({}).found, false);
});
