import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenizeLine } from '../../../parsers/lexer.js';

const words = (s: string): string[] => tokenizeLine(s, 'f', 1).map((t) => t.text);

test('words, braces glued to words, comments at word starts', () => {
  assert.deepEqual(words('  virtual_server 10.0.0.1 80{'), ['virtual_server', '10.0.0.1', '80', '{']);
  assert.deepEqual(words('}}'), ['}', '}']);
  assert.deepEqual(words('priority 100 # the priority'), ['priority', '100']);
  assert.deepEqual(words('priority 100 ! bang comment'), ['priority', '100']);
  assert.deepEqual(words('! whole line'), []);
  // A comment character inside a word is part of it (passwords, URLs).
  assert.deepEqual(words('auth_pass pa!ss#1'), ['auth_pass', 'pa!ss#1']);
});

test('quoted strings keep spaces and braces; adjacent parts join', () => {
  assert.deepEqual(words('script "killall -0 haproxy"'), ['script', 'killall -0 haproxy']);
  assert.deepEqual(words(`script 'a b' c`), ['script', 'a b', 'c']);
  assert.deepEqual(words('x ab"c d"ef'), ['x', 'abc def']);
  const t = tokenizeLine('x "{"', 'f', 1);
  assert.equal(t[1]!.text, '{');
  assert.equal(t[1]!.quoted, true);
  assert.deepEqual(words('x "# not a comment"'), ['x', '# not a comment']);
});

test('escapes inside quotes', () => {
  assert.deepEqual(words('x "a\\tb\\n\\x41\\101\\"q\\\\"'), ['x', 'a\tb\nAA"q\\']);
  assert.deepEqual(words('x "\\cA"'), ['x', '\x01']);
});

test('columns are 1-based and count from the line start', () => {
  const t = tokenizeLine('   interface eth0', 'k.conf', 7);
  assert.deepEqual(t.map((x) => [x.loc.line, x.loc.col]), [[7, 4], [7, 14]]);
  assert.equal(t[0]!.loc.file, 'k.conf');
});

test('an unterminated quote ends at the end of the line and is reported', () => {
  const seen: number[] = [];
  const t = tokenizeLine('x "abc', 'f', 3, 0, (loc) => seen.push(loc.col));
  assert.deepEqual(t.map((x) => x.text), ['x', 'abc']);
  assert.deepEqual(seen, [3]);
});
