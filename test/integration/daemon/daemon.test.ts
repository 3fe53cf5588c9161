// The ka-ts daemon end to end, next to a real keepalived 2.2.7 backup: reload without flaps,
// an invalid reload keeping the running state, the VRRP child killed and respawned, status and
// metrics matching the wire, and SIGTERM sending priority 0 and releasing the VIP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { NetnsLab, isRoot, rootSkipReason, waitFor } from '../lib/netns.js';
import { KeepalivedPeer } from '../lib/keepalived-peer.js';
import { KaTsDaemon, cliPath } from '../lib/ka-ts-daemon.js';
import { buildDirectorLab } from '../vrrp/director-lab.js';
import { WireWatch } from '../vrrp/tcpdump-capture.js';

const run = promisify(execFile);
const VIP = '10.77.0.100';
const ADVERT_S = 0.2;

function kaTsConf(weight: number, priority = 150): string {
  return `
global_defs {
    router_id KATS_D1
    vrrp_garp_master_delay 0
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    version 3
    priority ${priority}
    advert_int ${ADVERT_S}
    virtual_ipaddress {
        ${VIP}/24
    }
    notify %NOTIFY%
}
virtual_server ${VIP} 8080 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 10.77.0.200 8080 {
        weight ${weight}
        TCP_CHECK {
            connect_timeout 1
        }
    }
}
`;
}

async function ctlStatus(ns: string, d: KaTsDaemon): Promise<any> {
  const r = await run('ip', ['netns', 'exec', ns, process.execPath, cliPath(), 'ctl', 'status', '--json', '--control-socket', d.controlSocket]);
  return JSON.parse(r.stdout);
}

test('ka-ts daemon: reload without flaps, invalid reload kept, VRRP child respawn, status/metrics, SIGTERM priority 0', { skip: rootSkipReason(), timeout: 120_000 }, async () => {
  if (!isRoot()) return;
  const lab = new NetnsLab('daemon');
  let kats: KaTsDaemon | undefined;
  let peer: KeepalivedPeer | undefined;
  try {
    const dl = await buildDirectorLab(lab, 2);
    const [d1, d2] = dl.directors as [typeof dl.directors[0], typeof dl.directors[0]];
    const wire = await WireWatch.start(lab, dl.client.ns, 'eth0');
    // A real server in the client namespace for the TCP_CHECK, which ends each check with a RST
    // (as keepalived): the server must not die of the ECONNRESET its reply then meets.
    lab.spawn(dl.client.ns, process.execPath, ['-e', "require('net').createServer((s) => { s.on('error', () => {}); s.end('ok'); }).listen(8080, '10.77.0.200')"]);
    peer = KeepalivedPeer.start(lab, d2!.ns, {
      routerId: 'KA_D2',
      instances: [{ name: 'VI_1', interface: 'eth0', vrid: 51, priority: 100, state: 'BACKUP', advertInt: ADVERT_S, version: 3, vips: [`${VIP}/24`], garpMasterDelay: 0 }],
    });
    const metricsPort = 19650 + (process.pid % 200);
    kats = KaTsDaemon.start(lab, d1!.ns, { conf: kaTsConf(1), flags: ['--ipvs-backend', 'nft', '--metrics-listen', `127.0.0.1:${metricsPort}`] });
    await kats.waitForState('VI_1', 'MASTER', 15_000);
    await waitFor(() => kats!.holds(VIP), 5_000);
    await waitFor(() => wire.announcements(VIP, d1!.mac).length > 0, 5_000);
    assert.equal(await peer.holds(VIP), false, 'the keepalived backup must not hold the VIP');

    // Status and metrics report what the wire shows.
    await waitFor(async () => (await ctlStatus(d1!.ns, kats!)).virtualServers?.[0]?.realServers?.[0]?.alive === true, 10_000);
    const st = await ctlStatus(d1!.ns, kats);
    assert.equal(st.instances[0].name, 'VI_1');
    assert.equal(st.instances[0].state, 'MASTER');
    assert.ok(wire.adverts(51, d1!.mac).some((f) => f.priority === 150), 'adverts at priority 150 on the wire');
    // The metrics listener is on the director namespace's loopback: scrape from inside it.
    const metrics = (await run('ip', ['netns', 'exec', d1!.ns, process.execPath, '-e',
      `fetch('http://127.0.0.1:${metricsPort}/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))`])).stdout;
    assert.match(metrics, /keepalived_vrrp_state\{[^}]*iname="VI_1"[^}]*\} 2/);

    // keepalived's dump signals: SIGJSON (36, real-time) and SIGUSR1 write the dumps, the daemon lives on.
    kats.signal('SIGUSR1');
    process.kill(kats.pid!, 36);
    await waitFor(() => existsSync(kats!.dumpFile('json')) && existsSync(kats!.dumpFile('data')), 5_000);
    const dump = JSON.parse(readFileSync(kats.dumpFile('json'), 'utf8')) as Array<{ data: { iname: string; state: number } }>;
    assert.deepEqual(dump.map((d) => [d.data.iname, d.data.state]), [['VI_1', 2]]);
    assert.match(readFileSync(kats.dumpFile('data'), 'utf8'), /VRRP Instance = VI_1[\s\S]*State = MASTER/);
    assert.equal(kats.running, true);
    // STATS_CLEAR (63, real-time): the VRRP counters start again from zero.
    // Enough adverts first that "fewer than half" can only mean a clear (this point can be reached
    // about a second after MASTER, with only five adverts sent at 0.2 s).
    let sentBefore = 0;
    await waitFor(async () => (sentBefore = (await ctlStatus(d1!.ns, kats!)).instances[0].counters.advertSent as number) > 10, 5_000);
    process.kill(kats.pid!, 63);
    await waitFor(async () => ((await ctlStatus(d1!.ns, kats!)).instances[0].counters.advertSent as number) < sentBefore / 2, 5_000);
    assert.equal(kats.running, true);

    // Reload changing only a real server's weight: no transition, no advert burst.
    const transitionsBefore = kats.notifications().length;
    const t0 = Date.now();
    kats.rewriteConf(kaTsConf(3));
    kats.signal('SIGHUP');
    await waitFor(async () => (await ctlStatus(d1!.ns, kats!)).virtualServers?.[0]?.realServers?.[0]?.weight === 3, 10_000);
    await new Promise((r) => setTimeout(r, 2000));
    const windowAdverts = wire.adverts(51, d1!.mac, t0).filter((f) => f.atMs <= t0 + 2000).length;
    assert.ok(windowAdverts <= Math.ceil(2 / ADVERT_S) + 2, `no advert burst on reload (${windowAdverts} adverts in 2 s at ${ADVERT_S} s)`);
    assert.equal(kats.notifications().length, transitionsBefore, 'no VRRP transition on reload');
    assert.equal((await ctlStatus(d1!.ns, kats)).reloads.total, 1);

    // An invalid config on reload: logged, rejected, running state untouched.
    kats.rewriteConf('vrrp_instance VI_1 {\n  virtual_router_id\n}\n');
    kats.signal('SIGHUP');
    await waitFor(async () => (await ctlStatus(d1!.ns, kats!)).reloads.failed === 1, 10_000);
    const after = await ctlStatus(d1!.ns, kats);
    assert.equal(after.instances[0].state, 'MASTER');
    assert.equal(after.virtualServers[0].realServers[0].weight, 3);
    assert.equal(await kats.holds(VIP), true);
    kats.rewriteConf(kaTsConf(3));

    // kill -9 of the VRRP child: the parent respawns it and the VIP ends up on the master again.
    const vrrpPid = kats.readPid(kats.vrrpPidFile);
    assert.ok(vrrpPid);
    process.kill(vrrpPid, 'SIGKILL');
    await waitFor(() => { const p = kats!.readPid(kats!.vrrpPidFile); return p !== undefined && p !== vrrpPid; }, 10_000);
    // The new child starts as BACKUP (the old one's VIP may still be on the interface until it
    // clears stale addresses); the keepalived backup may take over meanwhile; ka-ts, with the
    // higher priority, must end up MASTER again and be the only holder of the VIP.
    await waitFor(async () => (await ctlStatus(d1!.ns, kats!)).instances?.[0]?.state === 'MASTER' && (await kats!.holds(VIP)) && !(await peer!.holds(VIP)), 20_000);

    // SIGTERM: one priority-0 advert, VIP released, the keepalived backup takes over at once.
    const tStop = Date.now();
    await kats.stop();
    assert.equal(kats.exitCode, 0);
    await waitFor(() => wire.adverts(51, d1!.mac, tStop).some((f) => f.priority === 0), 3_000);
    assert.equal(await kats.holds(VIP), false, 'VIP released on stop');
    await waitFor(() => peer!.holds(VIP), 5_000);
    assert.equal(kats.readPid(kats.pidFile), undefined, 'pid file removed');
  } finally {
    await kats?.stop().catch(() => undefined);
    await peer?.stop().catch(() => undefined);
    kats?.removeFiles();
    peer?.removeFiles();
    await lab.cleanup();
  }
});

test('ka-ts --signum, --version and bad flags behave as keepalived (exit 2 for usage errors)', async () => {
  const r = await run(process.execPath, [cliPath(), '--signum=RELOAD']);
  assert.equal(r.stdout, '1\n');
  assert.equal((await run(process.execPath, [cliPath(), '--signum=JSON'])).stdout, '36\n');
  assert.match((await run(process.execPath, [cliPath(), '-v'])).stdout, /^ka-ts v\d/);
  for (const bad of [['--bogus'], ['-f'], ['--signum=NOPE'], ['-P', '-C']]) {
    await assert.rejects(run(process.execPath, [cliPath(), ...bad]), (e: { code?: number; stderr?: string }) => e.code === 2 && /ka-ts: /.test(e.stderr ?? ''), bad.join(' '));
  }
});
