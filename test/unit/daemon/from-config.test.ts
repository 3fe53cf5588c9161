import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load.js';
import type { KeepalivedConfig } from '../../../src/config/model.js';
import { engineConfigFromModel, trackScriptRunsFromModel } from '../../../src/daemon/vrrp-from-config.js';
import { ipvsGlobalsFromModel, ipvsSpecsFromModel } from '../../../src/daemon/ipvs-from-config.js';
import { backendDiagnostics } from '../../../src/daemon/backend-config-check.js';
import { buildDesiredTable } from '../../../src/ipvs/desired-state.js';
import { diffTables } from '../../../src/ipvs/diff.js';
import { emptyTable } from '../../../src/ipvs/table.js';
import { ipvsadmLine } from '../../../src/ipvs/ipvsadm-format.js';

async function model(text: string): Promise<KeepalivedConfig> {
  const dir = mkdtempSync(join(tmpdir(), 'kt-map-'));
  try {
    writeFileSync(join(dir, 'k.conf'), text);
    const r = await loadConfig(join(dir, 'k.conf'), { skipHostChecks: true });
    assert.ok(r.model, JSON.stringify(r.diagnostics));
    return r.model;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CONF = `
global_defs {
  vrrp_version 3
  vrrp_garp_master_repeat 3
  lvs_timeouts tcp 900 tcpfin 30 udp 60
  lvs_sync_daemon eth1 VI_1 id 7
}
vrrp_script chk {
  script "/bin/true"
  interval 2
  weight -20
  rise 2
  fall 3
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 150
  advert_int 0.5
  nopreempt
  unicast_src_ip 10.0.0.1
  unicast_peer {
    10.0.0.2
  }
  virtual_ipaddress {
    10.0.0.100/24 brd 10.0.0.255 dev eth0 label eth0:vip
    10.0.1.100
  }
  virtual_ipaddress_excluded {
    10.0.2.100/24 dev eth1
  }
  track_script {
    chk
  }
  track_interface {
    eth1 weight -30
  }
  notify_master /bin/true
}
vrrp_instance VI_2 {
  interface eth1
  virtual_router_id 52
  priority 150
  virtual_ipaddress {
    10.0.5.100
  }
}
vrrp_sync_group G {
  group {
    VI_1
    VI_2
  }
  track_script {
    chk weight 10
  }
}
virtual_server 10.0.0.100 80 {
  lb_algo sh
  lb_kind DR
  protocol TCP
  persistence_timeout 300
  quorum 2
  hysteresis 1
  sorry_server 10.0.9.9 80
  real_server 10.0.3.1 80 {
    weight 5
    inhibit_on_failure
  }
  real_server 10.0.3.2 80 {
    lvs_method TUN
  }
}
virtual_server fwmark 7 {
  lb_algo rr
  real_server 10.0.3.3 0 {
  }
}
`;

test('config model → VRRP engine specs: units, globals, VIP forms, tracking weights', async () => {
  const c = engineConfigFromModel(await model(CONF));
  assert.equal(c.instances.length, 2);
  const i = c.instances[0]!;
  assert.equal(i.vrrp.version, 3, 'global vrrp_version applies');
  assert.equal(i.vrrp.advertIntMs, 500);
  assert.equal(i.vrrp.preempt, false);
  assert.equal(i.vrrp.primaryAddress, '10.0.0.1');
  assert.deepEqual(i.vrrp.unicastPeers, ['10.0.0.2']);
  assert.deepEqual(i.vrrp.vips, ['10.0.0.100', '10.0.1.100']);
  assert.equal(i.vrrp.garpMasterRepeat, 3, 'global vrrp_garp_master_repeat applies');
  assert.equal(i.vrrp.garpLowerPrioRepeat, 3, 'lower-priority GARP repeat follows the master repeat (keepalived)');
  assert.deepEqual(i.vips[0], { cidr: '10.0.0.100/24', dev: 'eth0', brd: '10.0.0.255', label: 'eth0:vip' });
  assert.deepEqual(i.vips[1], { cidr: '10.0.1.100/32', dev: 'eth0' });
  assert.deepEqual(i.excludedVips, [{ cidr: '10.0.2.100/24', dev: 'eth1' }]);
  assert.deepEqual(i.trackScripts, [{ name: 'chk', weight: -20, reverse: false }]);
  assert.deepEqual(i.trackInterfaces, [{ ifname: 'eth1', weight: -30 }]);
  assert.equal(i.notify.master, '/bin/true');
  assert.deepEqual(c.syncGroups.map((g) => [g.name, g.members]), [['G', ['VI_1', 'VI_2']]]);
  // The group's track_script applies to every member, weight 0 without sync_group_tracking_weight.
  assert.deepEqual(c.instances[1]!.trackScripts, [{ name: 'chk', weight: 0, reverse: false }]);
  assert.deepEqual(c.scripts, [{ name: 'chk', rise: 2, fall: 3, weight: -20, initFail: false }]);
});

test('tracked vrrp_scripts become script runs with interval and timeout', async () => {
  assert.deepEqual(trackScriptRunsFromModel(await model(CONF)), [{ name: 'chk', script: '/bin/true', intervalMs: 2000, timeoutMs: 2000 }]);
});

test('config model → IPVS specs: services, methods, persistence, quorum, sorry server, fwmark, globals', async () => {
  const m = await model(CONF);
  const specs = ipvsSpecsFromModel(m);
  assert.equal(specs.length, 2);
  const [web, mark] = specs as [typeof specs[0], typeof specs[0]];
  assert.deepEqual(web.target, { kind: 'addr', address: '10.0.0.100', port: 80 });
  assert.equal(web.scheduler, 'sh');
  assert.equal(web.protocol, 'tcp');
  assert.deepEqual(web.persistence, { timeout: 300 });
  assert.equal(web.quorum, 2);
  assert.equal(web.hysteresis, 1);
  assert.deepEqual(web.realServers.map((r) => [r.address, r.weight, r.method, r.inhibitOnFailure]), [['10.0.3.1', 5, 'route', true], ['10.0.3.2', 1, 'tunnel', false]]);
  assert.equal(web.sorryServer?.address, '10.0.9.9');
  assert.equal(mark.target.kind, 'fwmark');
  const g = ipvsGlobalsFromModel(m, new Map([['VI_1', 'MASTER']]));
  assert.deepEqual(g.timeouts, { tcp: 900, tcpfin: 30, udp: 60 });
  assert.equal(g.syncDaemons?.[0]?.role, 'master');
  assert.equal(g.syncDaemons?.[0]?.syncId, 7);
  assert.equal(ipvsGlobalsFromModel(m, new Map()).syncDaemons?.[0]?.role, 'backup');
});

const THRESHOLDS = `
virtual_server 10.1.1.1 80 {
  lb_algo wlc
  lb_kind NAT
  protocol TCP
  real_server 10.1.1.2 80 {
    uthreshold 300
    lthreshold 50
  }
  real_server 10.1.1.3 80 {
  }
}
virtual_server 10.1.1.1 81 {
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server 10.1.1.4 81 {
  }
}
`;

test('uthreshold / lthreshold reach the IPVS destinations (ipvsadm -x / -y); absent means none', async () => {
  const specs = ipvsSpecsFromModel(await model(THRESHOLDS));
  const [a, b] = specs[0]!.realServers;
  assert.deepEqual([a!.upperThreshold, a!.lowerThreshold], [300, 50]);
  assert.deepEqual([b!.upperThreshold, b!.lowerThreshold], [undefined, undefined]);
  // …and the ipvsadm backend's batch carries them.
  const lines = diffTables(buildDesiredTable({ virtualServers: specs, health: new Map() }).table, emptyTable(), new Set()).map(ipvsadmLine);
  assert.ok(lines.includes('-a -t 10.1.1.1:80 -r 10.1.1.2:80 -m -w 1 -x 300 -y 50'), lines.join('\n'));
  assert.ok(lines.includes('-a -t 10.1.1.1:80 -r 10.1.1.3:80 -m -w 1'), lines.join('\n'));
});

test('--ipvs-backend nft: what nftables cannot carry is a located error; other backends add nothing', async () => {
  const cfg = await model(THRESHOLDS);
  const diags = backendDiagnostics(cfg, 'nft');
  assert.deepEqual(diags.map((d) => [d.code, d.severity, d.exitClass, d.loc?.line]), [
    ['nft-unsupported', 'error', 5, 2],
    ['nft-unsupported', 'error', 5, 2],
  ]);
  assert.match(diags[0]!.message, /lb_algo wlc .* rr, wrr and sh/);
  assert.match(diags[1]!.message, /real_server 10\.1\.1\.2: uthreshold\/lthreshold/);
  for (const other of [undefined, 'auto', 'ipvsadm', 'dry-run']) assert.deepEqual(backendDiagnostics(cfg, other), []);
});

test('tunnel options reach the destinations: own lvs_method wins, otherwise the virtual server\'s lb_kind options', async () => {
  const cfg = await model(`
virtual_server 10.1.1.1 80 {
  lb_algo rr
  lb_kind TUN type gue port 6080 csum
  protocol TCP
  real_server 10.1.1.2 80 {
  }
  real_server 10.1.1.3 80 {
    lvs_method TUN type gre
  }
  real_server 10.1.1.4 80 {
    lvs_method TUN
  }
}
`);
  const lines = diffTables(buildDesiredTable({ virtualServers: ipvsSpecsFromModel(cfg), health: new Map() }).table, emptyTable(), new Set()).map(ipvsadmLine);
  assert.deepEqual(lines.filter((l) => l.startsWith('-a')).sort(), [
    '-a -t 10.1.1.1:80 -r 10.1.1.2:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum',
    '-a -t 10.1.1.1:80 -r 10.1.1.3:80 -i -w 1 --tun-type gre --tun-nocsum',
    '-a -t 10.1.1.1:80 -r 10.1.1.4:80 -i -w 1',
  ]);
});

test('persistence_engine reaches the service (ipvsadm --pe)', async () => {
  const cfg = await model(`
virtual_server 10.1.1.1 5060 {
  lb_algo rr
  lb_kind NAT
  protocol UDP
  persistence_timeout 60
  persistence_engine sip
  real_server 10.1.1.2 5060 {
  }
}
`);
  assert.equal(cfg.virtualServers[0]!.persistenceEngine, 'sip');
  const lines = diffTables(buildDesiredTable({ virtualServers: ipvsSpecsFromModel(cfg), health: new Map() }).table, emptyTable(), new Set()).map(ipvsadmLine);
  assert.ok(lines.some((l) => l.startsWith('-A -u 10.1.1.1:5060 -s rr') && l.includes('-p 60') && l.endsWith('--pe sip')), lines.join('\n'));
});
