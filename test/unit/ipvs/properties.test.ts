import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyToTable, diffTables } from '../../../src/ipvs/diff.js';
import { IpvsParseError } from '../../../src/ipvs/errors.js';
import { ipvsadmRestoreInput } from '../../../src/ipvs/ipvsadm-format.js';
import { mergeIpvsadmThresholds, parseIpvsadmSave } from '../../../src/ipvs/ipvsadm-parse.js';
import { cloneTable, emptyTable, type IpvsTable } from '../../../src/ipvs/table.js';
import { tableArb } from './table-arbitrary.js';

const keys = (...ts: IpvsTable[]) => new Set(ts.flatMap((t) => [...t.services.keys()]));

test('property: a table rendered as ipvsadm -R input parses back to the same table', () => {
  fc.assert(fc.property(tableArb(), (t) => {
    const text = ipvsadmRestoreInput(diffTables(t, emptyTable(), new Set()));
    const back = parseIpvsadmSave(text);
    assert.deepEqual(diffTables(t, back, keys(t, back)), []);
    assert.deepEqual(diffTables(back, t, keys(t, back)), []);
  }), { numRuns: 300 });
});

test('property: applying diff(want, have) to have yields want, whatever both are', () => {
  fc.assert(fc.property(tableArb(), tableArb(), (want, have) => {
    const managed = keys(want, have);
    const next = cloneTable(have);
    applyToTable(next, diffTables(want, have, managed));
    assert.deepEqual(diffTables(want, next, managed), []);
    assert.deepEqual([...next.services.keys()].sort(), [...want.services.keys()].sort());
  }), { numRuns: 300 });
});

test('property: the ipvsadm parsers never throw anything but IpvsParseError', () => {
  const line = fc.array(fc.constantFrom('-A', '-a', '-t', '-u', '-f', '-6', '-s', 'rr', 'sh', '-p', '300', '-M', '64', '-r', '10.0.0.1:80', '[2001:db8::1]:80', '-m', '-g', '-i', '-w', '-x', '-b', 'sh-port', 'x', '->', 'TCP', 'FWM', '7'), { maxLength: 10 }).map((ts) => ts.join(' '));
  fc.assert(fc.property(fc.array(line, { maxLength: 6 }), (lines) => {
    const text = lines.join('\n');
    for (const f of [() => parseIpvsadmSave(text), () => mergeIpvsadmThresholds(emptyTable(), text)]) {
      try { f(); } catch (e) { assert.ok(e instanceof IpvsParseError, String(e)); }
    }
  }), { numRuns: 500 });
});
