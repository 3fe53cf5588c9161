import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyToTable, diffTables } from '../../../src/ipvs/diff.js';
import { ipvsadmLine } from '../../../src/ipvs/ipvsadm-format.js';
import { parseIpvsadmSave } from '../../../src/ipvs/ipvsadm-parse.js';
import { cloneTable, emptyTable } from '../../../src/ipvs/table.js';

const t = (save: string) => parseIpvsadmSave(save);
const lines = (changes: ReturnType<typeof diffTables>) => changes.map(ipvsadmLine);

test('from empty: services, then their destinations', () => {
  const want = t('-A -t 10.0.0.1:80 -s wrr\n-a -t 10.0.0.1:80 -r 10.1.0.1:80 -m -w 2\n-A -f 7 -s rr\n-a -f 7 -r 10.1.0.2:0 -g -w 1');
  const changes = diffTables(want, emptyTable(), new Set());
  assert.deepEqual(lines(changes), [
    '-A -t 10.0.0.1:80 -s wrr',
    '-A -f 7 -s rr',
    '-a -t 10.0.0.1:80 -r 10.1.0.1:80 -m -w 2',
    '-a -f 7 -r 10.1.0.2:0 -g -w 1',
  ]);
});

test('equal tables: no change at all', () => {
  const a = t('-A -t 10.0.0.1:80 -s sh -p 300 -M 255.255.255.0 -b sh-fallback,sh-port\n-a -t 10.0.0.1:80 -r 10.1.0.1:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum');
  assert.deepEqual(diffTables(a, cloneTable(a), new Set(a.services.keys())), []);
});

test('smallest change set, adds before deletes so the pool is never empty', () => {
  const have = t('-A -t 10.0.0.1:80 -s wlc\n-a -t 10.0.0.1:80 -r 10.1.0.1:80 -m -w 1\n-a -t 10.0.0.1:80 -r 10.1.0.2:80 -m -w 1');
  const want = t('-A -t 10.0.0.1:80 -s wlc -p 60\n-a -t 10.0.0.1:80 -r 10.1.0.2:80 -m -w 5\n-a -t 10.0.0.1:80 -r 10.1.0.3:80 -m -w 1');
  assert.deepEqual(lines(diffTables(want, have, new Set(['-t 10.0.0.1:80']))), [
    '-E -t 10.0.0.1:80 -s wlc -p 60',
    '-a -t 10.0.0.1:80 -r 10.1.0.3:80 -m -w 1',
    '-e -t 10.0.0.1:80 -r 10.1.0.2:80 -m -w 5',
    '-d -t 10.0.0.1:80 -r 10.1.0.1:80',
  ]);
});

test('only managed services are deleted; foreign ones are left alone', () => {
  const have = t('-A -t 10.0.0.1:80 -s rr\n-A -u 10.0.0.9:53 -s rr\n-a -u 10.0.0.9:53 -r 10.1.0.9:53 -m -w 1');
  assert.deepEqual(lines(diffTables(emptyTable(), have, new Set(['-t 10.0.0.1:80']))), ['-D -t 10.0.0.1:80']);
});

test('timeouts: only the fields given are compared and set; sync daemons restarted on change', () => {
  const want = emptyTable();
  want.timeouts = { tcp: 900 };
  want.syncDaemons = [{ role: 'master', iface: 'eth1', syncId: 7 }];
  const have = emptyTable();
  have.timeouts = { tcp: 900, tcpfin: 120, udp: 300 };
  have.syncDaemons = [{ role: 'master', iface: 'eth0', syncId: 7, maxLen: 1472 }, { role: 'backup', iface: 'eth0', syncId: 7 }];
  assert.deepEqual(lines(diffTables(want, have, new Set())), [
    '--stop-daemon master',
    '--stop-daemon backup',
    '--start-daemon master --mcast-interface eth1 --syncid 7',
  ]);
  have.timeouts.tcp = 7200;
  assert.deepEqual(lines(diffTables(want, have, new Set())).slice(0, 1), ['--set 900 0 0']);
});

test('applyToTable(diff(want, have)) turns have into want', () => {
  const have = t('-A -t 10.0.0.1:80 -s wlc\n-a -t 10.0.0.1:80 -r 10.1.0.1:80 -m -w 1\n-A -t [2001:db8::1]:80 -s rr');
  const want = t('-A -t 10.0.0.1:80 -s rr -o\n-a -t 10.0.0.1:80 -r 10.1.0.2:80 -g -w 3\n-A -f 3 -6 -s nq\n-a -f 3 -6 -r [2001:db8::5]:0 -g -w 1');
  const managed = new Set([...have.services.keys(), ...want.services.keys()]);
  const next = cloneTable(have);
  applyToTable(next, diffTables(want, have, managed));
  assert.deepEqual(diffTables(want, next, managed), []);
  assert.deepEqual([...next.services.keys()].sort(), [...want.services.keys()].sort());
});
