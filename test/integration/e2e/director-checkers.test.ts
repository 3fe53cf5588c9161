// Issue 4, end to end with the real daemon: client → director (ka-ts, nft backend, LVS-NAT,
// HTTP_GET checks at delay_loop 1) → three real HTTP servers in their own namespaces. The client's
// requests are spread over all three; one server is killed: once the daemon's checker reports it
// down no request fails or reaches it; it comes back: once reported up it gets traffic again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NetnsLab, rootSkipReason, waitFor } from '../lib/netns.js';
import { KaTsDaemon } from '../lib/ka-ts-daemon.js';
import { buildE2eTopology, killRealServer, startRealServer, RS_PORT, VIP, VIP_PORT } from '../lib/e2e-director-topology.js';
import { directorConf, SYNC_GROUP } from '../lib/e2e-director-conf.js';
import { TrafficClient, ok, tally } from '../lib/e2e-traffic.js';
import { nftDestinations, waitRealServerAlive } from '../lib/e2e-director-watch.js';

const ADVERT_S = 0.3;
// Worst case from a kill to the verdict, as keepalived: delay_loop 1 + retry 1 × delay_before_retry 1
// + connect_timeout 1 (3 s), plus slack for a loaded machine.
const DETECT_BOUND_MS = 3_000 + 1_000;
// Back up: once it listens, the next check (within delay_loop 1) passes; one success is enough (no alpha).
const RISE_BOUND_MS = 1_000 + 1_000;
// Best case: the first failed check is retried once, delay_before_retry (1 s) later, before the
// verdict; a daemon that ignored `retry` would report down at once.
const DETECT_MIN_MS = 1_000 - 50;
const DETECT_MS = 10_000;

/** Time of the real server's notify_up/notify_down (the checker's verdict) after `sinceMs`. */
async function rsVerdictMs(d: KaTsDaemon, address: string, state: 'UP' | 'DOWN', sinceMs: number): Promise<number> {
  const find = () => d.notifications().find((x) => x.kind === 'RS' && x.name === address && x.state === state && x.atMs >= sinceMs);
  // The script runs asynchronously to the status update: give it a moment to write.
  const n = await waitFor(find, 3_000).catch(() => {
    throw new Error(`no notify_${state.toLowerCase()} for ${address} after ${sinceMs}; notify log: ${JSON.stringify(d.notifications().slice(-6))}`);
  });
  return n.atMs;
}

test('e2e: client → ka-ts director (nft, NAT, HTTP_GET) → three real servers: spread, one killed and taken out, brought back and put back', { skip: rootSkipReason(), timeout: 90_000 }, async (t) => {
  const lab = new NetnsLab('e2e');
  let daemon: KaTsDaemon | undefined;
  try {
    const topo = await buildE2eTopology(lab, 1);
    const [dir] = topo.directors;
    const [rs1, rs2, rs3] = topo.realServers;
    for (const rs of topo.realServers) await startRealServer(lab, rs);
    const dest = (rs: { address: string }) => `${rs.address}:${RS_PORT}`;

    daemon = KaTsDaemon.start(lab, dir!.ns, {
      conf: directorConf({ routerId: 'E2E_D1', priority: 150, advertIntS: ADVERT_S, realServers: topo.realServers.map((r) => r.address) }),
      flags: ['--ipvs-backend', 'nft'],
    });
    const d = daemon;
    await d.waitForState(SYNC_GROUP, 'MASTER', 15_000);
    for (const rs of topo.realServers) await waitRealServerAlive(d, rs.address, true, DETECT_MS);
    await waitFor(async () => (await nftDestinations(lab, dir!.ns)).length === 3, 5_000);

    // 1. Spread: round robin over all three, nothing fails.
    const client = TrafficClient.start(lab, topo.client, VIP, VIP_PORT);
    const t0 = Date.now();
    const first = await client.waitCount(t0, 30, 20_000);
    const spread = tally(first);
    t.diagnostic(`before the kill: ${JSON.stringify(spread)}`);
    assert.deepEqual(first.filter((r) => !ok(r)), [], `no failures with all servers up: ${JSON.stringify(spread)}`);
    for (const rs of topo.realServers) assert.ok((spread[rs.name] ?? 0) >= 5, `rr gives ${rs.name} a share: ${JSON.stringify(spread)}`);

    // 2. rs2 killed: requests scheduled to it fail until the checker notices (proof the kill is
    //    real), then it is out of the table and every request succeeds on rs1 and rs3.
    const tKill = Date.now();
    await killRealServer(rs2!);
    const tReported = await waitRealServerAlive(d, rs2!.address, false, DETECT_MS);
    // The data plane follows the checker's verdict: the destination leaves the kernel's table
    // (one `nft -f` transaction after the verdict). "Marked down" is from then on.
    const want = [dest(rs1!), dest(rs3!)].sort().join(' ');
    await waitFor(async () => (await nftDestinations(lab, dir!.ns)).join(' ') === want, 2_000).catch(async () => {
      throw new Error(`rs2 reported down but the nft table still DNATs to ${(await nftDestinations(lab, dir!.ns)).join(' ')}`);
    });
    const tDown = Date.now();
    t.diagnostic(`reported down → out of the nft table seen: ${tDown - tReported} ms`);
    // The verdict's own time, from notify_down (ctl status adds its polling latency).
    const verdictMs = await rsVerdictMs(d, rs2!.address, 'DOWN', tKill);
    assert.ok(verdictMs - tKill >= DETECT_MIN_MS, `notify_down ${verdictMs - tKill} ms after the kill: the retry must come first`);
    assert.ok(verdictMs - tKill <= DETECT_BOUND_MS, `notify_down ${verdictMs - tKill} ms after the kill (bound ${DETECT_BOUND_MS} ms)`);
    const during = client.since(tKill, tDown);
    t.diagnostic(`kill → notify_down: ${verdictMs - tKill} ms; kill → ctl status down: ${tReported - tKill} ms; kill → out of the table: ${tDown - tKill} ms; requests meanwhile: ${JSON.stringify(tally(during))}`);
    assert.ok(during.some((r) => !ok(r)), `requests reached the dead server before detection: ${JSON.stringify(tally(during))}`);

    await client.waitCount(tDown, 30, 20_000);
    const tRestart = Date.now();
    const afterDown = client.since(tDown, tRestart);
    t.diagnostic(`after reported down: ${JSON.stringify(tally(afterDown))}`);
    // rs2's namespace answers a connection with a RST while nothing listens: a request sent to it
    // would fail, so "none fails" is also "none goes to it".
    assert.deepEqual(afterDown.filter((r) => !ok(r)), [], `no request fails or goes to rs2 once it is reported down: ${JSON.stringify(tally(afterDown))}`);
    assert.ok((tally(afterDown)[rs1!.name] ?? 0) >= 10 && (tally(afterDown)[rs3!.name] ?? 0) >= 10, `rs1 and rs3 share the load: ${JSON.stringify(tally(afterDown))}`);

    // 3. rs2 back: once reported up it is in the table again and receives its share.
    await startRealServer(lab, rs2!);
    const tListening = Date.now();
    const tUp = await waitRealServerAlive(d, rs2!.address, true, DETECT_MS);
    const upVerdictMs = await rsVerdictMs(d, rs2!.address, 'UP', tRestart);
    assert.ok(upVerdictMs - tListening <= RISE_BOUND_MS, `notify_up ${upVerdictMs - tListening} ms after rs2 listens again (bound ${RISE_BOUND_MS} ms)`);
    await waitFor(async () => (await nftDestinations(lab, dir!.ns)).length === 3, 2_000).catch(() => {
      throw new Error('rs2 reported up but not back in the nft table within 2 s');
    });
    const afterUp = await client.waitCount(tUp, 30, 20_000);
    t.diagnostic(`listening → notify_up: ${upVerdictMs - tListening} ms; listening → ctl status up: ${tUp - tListening} ms; after: ${JSON.stringify(tally(afterUp))}`);
    assert.ok((tally(afterUp)[rs2!.name] ?? 0) >= 5, `rs2 receives traffic again: ${JSON.stringify(tally(afterUp))}`);
    // From the moment rs2 was reported down, through its restart and return, nothing failed.
    const all = client.since(tDown);
    assert.deepEqual(all.filter((r) => !ok(r)), [], `no failure from detection to the end: ${JSON.stringify(tally(all))}`);
  } finally {
    await daemon?.stop().catch(() => undefined);
    daemon?.removeFiles();
    await lab.cleanup();
  }
});
