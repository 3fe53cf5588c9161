import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStandaloneConfig, StandaloneConfigError } from '../../../src/vrrp/engine/standalone-config.js';
import { engineConfigFromStandalone, scriptRunsFromStandalone } from '../../../src/vrrp/engine/standalone-map.js';

const base = { name: 'VI_1', interface: 'eth0', vrid: 51, priority: 100, state: 'BACKUP', advertInt: 1, vips: ['10.0.0.100/24'] };

test('standalone config: maps keepalived keywords to engine specs with keepalived defaults', () => {
  const c = parseStandaloneConfig({
    instances: [base, { ...base, name: 'VI_6', vrid: 52, advertInt: 0.123, vips: ['fd00::100/64'], nopreempt: true, trackScripts: ['chk'] }],
    scripts: [{ name: 'chk', script: '/bin/true', interval: 2, weight: -20, fall: 2 }],
    syncGroups: [{ name: 'G', members: ['VI_1', 'VI_6'] }],
  });
  const e = engineConfigFromStandalone(c);
  const [v4, v6] = e.instances;
  assert.equal(v4!.vrrp.version, 2);
  assert.equal(v4!.vrrp.advertIntMs, 1000);
  assert.equal(v4!.vrrp.garpMasterDelayMs, 5000);
  assert.deepEqual(v4!.vips, [{ cidr: '10.0.0.100/24', dev: 'eth0' }]);
  assert.equal(v6!.vrrp.family, 'ipv6');
  assert.equal(v6!.vrrp.version, 3, 'IPv6 implies VRRPv3');
  assert.equal(v6!.vrrp.advertIntMs, 120, 'v3 interval rounded to centiseconds');
  assert.equal(v6!.vrrp.preempt, false);
  assert.deepEqual(v6!.trackScripts, [{ name: 'chk', weight: -20 }]);
  assert.deepEqual(e.scripts, [{ name: 'chk', rise: 1, fall: 2, weight: -20 }]);
  assert.deepEqual(scriptRunsFromStandalone(c), [{ name: 'chk', script: '/bin/true', intervalMs: 2000, timeoutMs: 2000 }]);
  assert.deepEqual(e.syncGroups, [{ name: 'G', members: ['VI_1', 'VI_6'], notify: {} }]);
});

test('standalone config: errors name the JSON path', () => {
  const bad: Array<[unknown, string]> = [
    [{}, '$.instances'],
    [{ instances: [{ ...base, vrid: 300 }] }, '$.instances[0].vrid'],
    [{ instances: [{ ...base, state: 'MASTERS' }] }, '$.instances[0].state'],
    [{ instances: [{ ...base, trackScripts: ['nope'] }] }, '$.instances[0].trackScripts[0]'],
    [{ instances: [base], syncGroups: [{ name: 'G', members: ['VI_1', 'VI_9'] }] }, '$.syncGroups[0].members[1]'],
  ];
  for (const [json, path] of bad) {
    assert.throws(() => parseStandaloneConfig(json), (e: unknown) => e instanceof StandaloneConfigError && e.path === path, path);
  }
});
