import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Change } from '../../../src/ipvs/changes.js';
import { diffTables } from '../../../src/ipvs/diff.js';
import { IpvsParseError } from '../../../src/ipvs/errors.js';
import { ipvsadmRestoreInput } from '../../../src/ipvs/ipvsadm-format.js';
import { mergeIpvsadmThresholds, parseIpvsadmDaemons, parseIpvsadmSave, parseIpvsadmTimeouts } from '../../../src/ipvs/ipvsadm-parse.js';
import { emptyTable, type Destination, type ServiceId } from '../../../src/ipvs/table.js';

// Captured from ipvsadm 1.31 on Debian's 6.1 kernel in the test VM (test/vm).
const SAVE = `-A -t 10.0.0.1:80 -s wlc
-a -t 10.0.0.1:80 -r 10.1.0.1:8080 -m -w 3
-a -t 10.0.0.1:80 -r 10.1.0.2:80 -g -w 0
-a -t 10.0.0.1:80 -r 10.1.0.3:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum
-a -t 10.0.0.1:80 -r 10.1.0.4:80 -i -w 1 --tun-type gre --tun-nocsum
-a -t 10.0.0.1:80 -r 10.1.0.5:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum
-a -t 10.0.0.1:80 -r 10.1.0.6:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-remcsum
-A -t 10.0.0.2:443 -s sh -p 300 -M 255.255.255.0 -b sh-fallback,sh-port
-A -u 10.0.0.3:53 -s rr -o
-a -u 10.0.0.3:53 -r 10.1.0.7:53 -m -w 1
-A --sctp-service 10.0.0.4:3868 -s mh -b mh-fallback,mh-port
-A -t [2001:db8::1]:80 -s sed -p 60 -M 64
-a -t [2001:db8::1]:80 -r [2001:db8::2]:80 -m -w 5
-A -f 7 -s lblcr -p 360
-a -f 7 -r 10.1.0.9:0 -g -w 2
-A -f 8 -6 -s nq
-a -f 8 -6 -r [2001:db8::9]:0 -g -w 1
`;

const THRESHOLDS = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn 
  -> RemoteAddress:Port
TCP  10.0.0.1:80 wlc
  -> 10.1.0.1:8080                100        10         0          0         
  -> 10.1.0.2:80                  0          0          0          0         
UDP  10.0.0.3:53 rr ops
TCP  [2001:db8::1]:80 sed persistent 60 mask 64
  -> [2001:db8::2]:80             7          0          0          0         
FWM  8 IPv6 nq
  -> [2001:db8::9]:0              0          4          0          0         
`;

test('ipvsadm -Sn output parses into services and destinations of every kind', () => {
  const table = parseIpvsadmSave(SAVE);
  assert.deepEqual([...table.services.keys()], ['-t 10.0.0.1:80', '-t 10.0.0.2:443', '-u 10.0.0.3:53', '--sctp-service 10.0.0.4:3868', '-t [2001:db8::1]:80', '-f 7', '-f 8 -6']);
  const sh = table.services.get('-t 10.0.0.2:443')?.service;
  assert.deepEqual(sh, { id: { kind: 'addr', family: 'inet', protocol: 'tcp', address: '10.0.0.2', port: 443 }, scheduler: 'sh', ops: false, flags: ['sh-fallback', 'sh-port'], persistence: { timeout: 300, netmask: '255.255.255.0' } });
  assert.equal(table.services.get('-u 10.0.0.3:53')?.service.ops, true);
  assert.deepEqual(table.services.get('-f 8 -6')?.service.id, { kind: 'fwmark', family: 'inet6', fwmark: 8 });
  const web = table.services.get('-t 10.0.0.1:80');
  assert.deepEqual(web?.dests.get('10.1.0.5:80')?.tunnel, { type: 'gue', checksum: 'csum', port: 6080 });
  assert.deepEqual(web?.dests.get('10.1.0.2:80'), { address: '10.1.0.2', port: 80, method: 'route', weight: 0, upperThreshold: 0, lowerThreshold: 0 });
});

test('thresholds come from ipvsadm -Ln --thresholds', () => {
  const table = parseIpvsadmSave(SAVE);
  mergeIpvsadmThresholds(table, THRESHOLDS);
  const d = table.services.get('-t 10.0.0.1:80')?.dests.get('10.1.0.1:8080');
  assert.equal(d?.upperThreshold, 100);
  assert.equal(d?.lowerThreshold, 10);
  assert.equal(table.services.get('-t [2001:db8::1]:80')?.dests.get('[2001:db8::2]:80')?.upperThreshold, 7);
  assert.equal(table.services.get('-f 8 -6')?.dests.get('[2001:db8::9]:0')?.lowerThreshold, 4);
});

test('the table rendered as ipvsadm -R input is exactly what ipvsadm -Sn printed (round trip)', () => {
  const table = parseIpvsadmSave(SAVE);
  const batch = ipvsadmRestoreInput(diffTables(table, emptyTable(), new Set()));
  const restored = parseIpvsadmSave(batch);
  assert.deepEqual(diffTables(table, restored, new Set(table.services.keys())), []);
  // every -Sn line appears verbatim in the batch
  for (const line of SAVE.trim().split('\n')) assert.ok(batch.split('\n').includes(line), `missing: ${line}`);
});

test('exact command batch for add, edit, delete, thresholds, timeouts and sync daemons', () => {
  const svc: ServiceId = { kind: 'addr', family: 'inet6', protocol: 'udp', address: '2001:db8::53', port: 53 };
  const d: Destination = { address: '2001:db8::2', port: 53, method: 'masq', weight: 4, upperThreshold: 100, lowerThreshold: 20 };
  const changes: Change[] = [
    { op: 'set-timeouts', timeouts: { tcp: 900, udp: 60 } },
    { op: 'add-service', service: { id: svc, scheduler: 'mh', ops: true, flags: ['mh-port'], persistence: { timeout: 30, netmask: '64' }, persistenceEngine: 'sip' } },
    { op: 'add-dest', service: svc, dest: d },
    { op: 'edit-dest', service: svc, dest: { ...d, weight: 0, upperThreshold: 0, lowerThreshold: 0 }, previous: d },
    { op: 'delete-dest', service: svc, dest: d },
    { op: 'delete-service', service: { id: { kind: 'fwmark', family: 'inet', fwmark: 12 }, scheduler: 'rr', ops: false, flags: [] } },
    { op: 'start-sync-daemon', daemon: { role: 'backup', iface: 'eth1', syncId: 9, maxLen: 1400, group: '224.0.0.82', port: 9000, ttl: 2 } },
    { op: 'stop-sync-daemon', daemon: { role: 'master', iface: 'eth1', syncId: 9 } },
  ];
  assert.equal(ipvsadmRestoreInput(changes), [
    '--set 900 0 60',
    '-A -u [2001:db8::53]:53 -s mh -p 30 -M 64 --pe sip -b mh-port -o',
    '-a -u [2001:db8::53]:53 -r [2001:db8::2]:53 -m -w 4 -x 100 -y 20',
    '-e -u [2001:db8::53]:53 -r [2001:db8::2]:53 -m -w 0',
    '-d -u [2001:db8::53]:53 -r [2001:db8::2]:53',
    '-D -f 12',
    '--start-daemon backup --mcast-interface eth1 --syncid 9 --sync-maxlen 1400 --mcast-group 224.0.0.82 --mcast-port 9000 --mcast-ttl 2',
    '--stop-daemon master',
    '',
  ].join('\n'));
});

test('timeouts and daemon listings parse', () => {
  assert.deepEqual(parseIpvsadmTimeouts('Timeout (tcp tcpfin udp): 900 120 300\n'), { tcp: 900, tcpfin: 120, udp: 300 });
  assert.deepEqual(parseIpvsadmDaemons('master sync daemon (mcast=lo, syncid=5, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\n'), [
    { role: 'master', iface: 'lo', syncId: 5, maxLen: 1472, group: '224.0.0.81', port: 8848, ttl: 1 },
  ]);
  assert.deepEqual(parseIpvsadmDaemons(''), []);
});

test('unknown output is a located IpvsParseError, not a crash or a silent skip', () => {
  assert.throws(() => parseIpvsadmSave('-A -t 10.0.0.1:80 -s wlc\n-A -t 10.0.0.2:80 -s fancy\n'), (e: unknown) => e instanceof IpvsParseError && e.line === 2 && /unknown scheduler 'fancy'/.test(e.message));
  assert.throws(() => parseIpvsadmSave('-a -t 10.0.0.1:80 -r 10.1.0.1:80 -m\n'), (e: unknown) => e instanceof IpvsParseError && /unknown service -t 10.0.0.1:80/.test(e.message));
  assert.throws(() => parseIpvsadmSave('-A -t 10.0.0.1 -s rr\n'), IpvsParseError);
  assert.throws(() => parseIpvsadmTimeouts('garbage'), IpvsParseError);
});
