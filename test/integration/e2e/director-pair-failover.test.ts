// Issue 4, end to end with a ka-ts VRRP pair in front of the real servers (the LVS-NAT how-to):
// two ka-ts daemons, each programming its own nft table, the VIP on the front and the DIP (the
// real servers' gateway) on the back in one sync group. The master daemon is killed with -9
// (parent and both children, no goodbye advert): the backup takes both addresses and the
// client's requests succeed again through it within 3 × advert_int + skew + slack. A SYN counter
// on each director shows which one the connections really reach: the crashed director's kernel
// still holds the addresses and would forward, so success alone would not prove the takeover.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NetnsLab, rootSkipReason, waitFor } from '../lib/netns.js';
import { KaTsDaemon } from '../lib/ka-ts-daemon.js';
import { buildE2eTopology, startRealServer, DIP, VIP, VIP_PORT } from '../lib/e2e-director-topology.js';
import { directorConf, SYNC_GROUP } from '../lib/e2e-director-conf.js';
import { TrafficClient, ok, tally } from '../lib/e2e-traffic.js';
import { installSynCounter, nftDestinations, readSynCounter, waitRealServerAlive } from '../lib/e2e-director-watch.js';

const ADVERT_S = 0.3;
const BACKUP_PRIO = 100;
// VRRPv3 master-down interval seen by the backup: 3 × advert_int + (256 − prio) × advert_int / 256.
const MASTER_DOWN_MS = (3 * ADVERT_S + ((256 - BACKUP_PRIO) * ADVERT_S) / 256) * 1000;
// Slack: GARPs, one abandoned client request (500 ms timeout) and a loaded shared machine.
const SLACK_MS = 1_500;
const RESUME_MS = MASTER_DOWN_MS + SLACK_MS;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

test('e2e: ka-ts VRRP pair of NAT directors (VIP + DIP sync group, nft): kill -9 the master, traffic resumes through the backup', { skip: rootSkipReason(), timeout: 90_000 }, async (t) => {
  const lab = new NetnsLab('e2e');
  const daemons: KaTsDaemon[] = [];
  try {
    const topo = await buildE2eTopology(lab, 2);
    const [n1, n2] = topo.directors as [typeof topo.directors[0], typeof topo.directors[0]];
    for (const rs of topo.realServers) await startRealServer(lab, rs);
    const conf = (routerId: string, priority: number) =>
      directorConf({ routerId, priority, advertIntS: ADVERT_S, realServers: topo.realServers.map((r) => r.address) });
    const master = KaTsDaemon.start(lab, n1.ns, { conf: conf('E2E_D1', 150), flags: ['--ipvs-backend', 'nft'] });
    daemons.push(master);
    const backup = KaTsDaemon.start(lab, n2.ns, { conf: conf('E2E_D2', BACKUP_PRIO), flags: ['--ipvs-backend', 'nft'] });
    daemons.push(backup);

    await master.waitForState(SYNC_GROUP, 'MASTER', 15_000);
    await waitFor(async () => (await master.holds(VIP)) && (await master.holds(DIP)), 5_000);
    assert.equal(await backup.holds(VIP), false, 'the backup holds no VIP');
    assert.equal(await backup.holds(DIP), false, 'the backup holds no DIP');
    // Both directors check the real servers and program their own table.
    for (const [d, node] of [[master, n1], [backup, n2]] as const) {
      for (const rs of topo.realServers) await waitRealServerAlive(d, rs.address, true, 10_000);
      await waitFor(async () => (await nftDestinations(lab, node.ns)).length === 3, 5_000);
      await installSynCounter(lab, node.ns, VIP, VIP_PORT);
    }

    // Traffic flows through the master only, spread over all three.
    const client = TrafficClient.start(lab, topo.client, VIP, VIP_PORT);
    const t0 = Date.now();
    const before = await client.waitCount(t0, 15, 20_000);
    t.diagnostic(`through the master: ${JSON.stringify(tally(before))}`);
    assert.deepEqual(before.filter((r) => !ok(r)), [], `no failure before the crash: ${JSON.stringify(tally(before))}`);
    assert.equal(Object.keys(tally(before)).length, 3, `all three real servers answer: ${JSON.stringify(tally(before))}`);
    assert.ok((await readSynCounter(lab, n1.ns)) >= 15, 'connections reach the master');
    assert.equal(await readSynCounter(lab, n2.ns), 0, 'no connection reaches the backup');

    // kill -9 of the master daemon, parent and children.
    const tCrash = Date.now();
    master.crash();
    await master.waitExit(5_000);
    await backup.waitForState(SYNC_GROUP, 'MASTER', RESUME_MS + 5_000);
    const takeover = backup.notifications().filter((n) => n.name === SYNC_GROUP && n.state === 'MASTER').at(-1)!;
    const takeoverMs = takeover.atMs - tCrash;
    assert.ok(await backup.holds(VIP), 'the backup holds the VIP');
    assert.ok(await backup.holds(DIP), 'the backup holds the DIP');

    // From crash + RESUME_MS on, every request succeeds and goes through the backup.
    await sleep(tCrash + RESUME_MS - Date.now());
    const tResume = Date.now();
    const syn1 = await readSynCounter(lab, n1.ns);
    const syn2 = await readSynCounter(lab, n2.ns);
    const tMeasure = Date.now();
    await client.waitCount(tMeasure, 30, 20_000);
    const tEnd = Date.now();
    const syn1End = await readSynCounter(lab, n1.ns);
    const syn2End = await readSynCounter(lab, n2.ns);

    const gap = client.since(tCrash, tResume);
    const firstThroughBackup = client.since(takeover.atMs).find(ok);
    t.diagnostic(`crash → backup MASTER: ${takeoverMs} ms (master-down interval ${MASTER_DOWN_MS.toFixed(0)} ms); first success started after takeover ended ${firstThroughBackup ? firstThroughBackup.endMs - tCrash : 'never'} ms after the crash`);
    t.diagnostic(`crash → crash + ${RESUME_MS.toFixed(0)} ms: ${JSON.stringify(tally(gap))}`);
    assert.ok(takeoverMs <= RESUME_MS, `backup became MASTER ${takeoverMs} ms after the crash (bound ${RESUME_MS.toFixed(0)} ms)`);

    const after = client.since(tResume);
    t.diagnostic(`through the backup: ${JSON.stringify(tally(after))}; SYNs at the crashed master ${syn1End - syn1}, at the backup ${syn2End - syn2}`);
    assert.deepEqual(after.filter((r) => !ok(r)), [], `every request succeeds from crash + ${RESUME_MS.toFixed(0)} ms on: ${JSON.stringify(tally(after))}`);
    assert.equal(Object.keys(tally(after)).length, 3, `all three real servers answer through the backup: ${JSON.stringify(tally(after))}`);
    assert.equal(syn1End, syn1, 'no connection reaches the crashed master after the takeover');
    const measured = client.since(tMeasure).filter((r) => r.endMs <= tEnd);
    assert.ok(measured.length >= 30 && syn2End - syn2 >= measured.length, `the backup carried the ${measured.length} connections made meanwhile (${syn2End - syn2} SYNs)`);
  } finally {
    for (const d of daemons) await d.stop().catch(() => undefined);
    for (const d of daemons) d.removeFiles();
    await lab.cleanup();
  }
});
