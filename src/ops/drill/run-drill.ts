// One lab drill: find the MASTER, start watching (wire, VIPs, client), inject the fault, wait for
// the other director to take over and the client to recover, restore, and wait for a stable pair.
import { loadLabConfig } from '../lab/lab-config.js';
import type { LabState } from '../lab/state.js';
import { nsSh, sleep } from '../lab/sh.js';
import { labVips, soleMaster, vipHoldings } from '../lab/vip-holders.js';
import { ClientProbe } from './client-probe.js';
import { DrillError, makeFault } from './faults.js';
import { buildTimeline, type DrillTimeline, type Scenario } from './timeline.js';
import { VipWatch } from './vip-watch.js';
import { WireCapture } from './wire-capture.js';

export interface DrillOptions { scenario: Scenario; progress?: (line: string) => void }

export async function macOf(ns: string, ifname: string): Promise<string> {
  const r = await nsSh(ns, 'ip', ['-o', 'link', 'show', 'dev', ifname]);
  const m = /link\/ether ([0-9a-f:]{17})/.exec(r.stdout);
  if (!m) throw new DrillError(`no MAC address on ${ifname} in ${ns}`);
  return m[1]!;
}

async function waitSoleMaster(state: LabState, vips: string[], timeoutMs: number): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const m = soleMaster(await vipHoldings(state, vips), vips);
    if (m) return m.director;
    if (performance.now() > deadline) throw new DrillError(`no single MASTER within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(50);
  }
}

export async function runLabDrill(state: LabState, opts: DrillOptions): Promise<DrillTimeline> {
  const say = opts.progress ?? (() => undefined);
  const cfg = await loadLabConfig(state.conf);
  const vips = labVips(cfg, state);
  const frontIf = state.plan.frontIf;
  const front = cfg.instances.find((i) => i.interface === frontIf) ?? cfg.instances[0]!;
  const vip = front.vips[0]?.address;
  if (!vip) throw new DrillError(`instance ${front.name} has no VIP to drill`);
  const advertInt = state.advertInt;
  const stableMs = (4 * advertInt + 8) * 1000;

  const oldId = await waitSoleMaster(state, vips, stableMs);
  const oldD = state.directors.find((d) => d.id === oldId)!;
  const newD = state.directors.find((d) => d.id !== oldId)!;
  const fault = makeFault(opts.scenario, state, oldD, { frontIf, instances: cfg.instances.map((i) => i.name), vips });
  const oldMac = await macOf(oldD.ns, frontIf);
  const newMac = await macOf(newD.ns, frontIf);

  say(`MASTER is ${oldD.id} (${oldD.kind}); watching ${frontIf} from the client, VIPs on both directors, HTTP every 20 ms`);
  const wire = await WireCapture.start(state.namespaces.client, 'eth0');
  const vipWatch = await VipWatch.start([oldD.ns, newD.ns], vips);
  // The client needs a service the lab forwards: a TCP NAT virtual server on the VIP.
  const vs = cfg.virtualServers.find((v) => v.address === vip && v.protocol === 'tcp' && v.lbKind === 'NAT');
  if (!vs) say(`no TCP NAT virtual_server on ${vip}: no client runs, the verdict is on the takeover time`);
  const client = vs ? ClientProbe.start(state.namespaces.client, `http://${vip}:${vs.port}/drill`) : undefined;
  let faultAtMs = 0;
  let injected = false;
  try {
    await sleep(Math.max(1000, advertInt * 1500));
    say(`fault: ${fault.describe}`);
    await fault.prepare?.();
    faultAtMs = Date.now();
    await fault.inject();
    injected = true;
    const deadline = performance.now() + stableMs + 2000;
    for (;;) {
      const h = await vipHoldings(state, vips);
      const took = h.find((x) => x.director === newD.id)!.vips.includes(vip);
      const clientBack = !client || client.results.some((r) => r.ok && r.sentMs > faultAtMs && r.sentMs > Date.now() - 2000 && took);
      const announced = wire.events.some((e) => e.kind === 'garp' && e.srcMac === newMac && e.target === vip && e.atMs >= faultAtMs);
      if (took && clientBack && announced) break;
      if (performance.now() > deadline) { say(`no takeover by ${newD.id} within ${Math.round(stableMs / 1000) + 2} s`); break; }
      await sleep(50);
    }
    say(`${newD.id} holds ${vip} after ${((Date.now() - faultAtMs) / 1000).toFixed(2)} s; watching a little longer`);
    await sleep(Math.max(500, advertInt * 1000));
  } finally {
    await client?.stop();
    await vipWatch.stop();
    await wire.stop();
    if (injected) {
      say('restoring');
      await fault.restore();
    }
  }
  const timeline = buildTimeline({
    scenario: opts.scenario, faultAtMs, oldMaster: oldD.id, newMaster: newD.id, oldMac, newMac, newNs: newD.ns,
    vrid: front.vrid, vip, advertInt, priority: front.priority, vrrpVersion: Number.isInteger(advertInt) ? cfg.vrrpVersion : 3,
    scriptInterval: 1, wire: wire.events, vipChanges: vipWatch.changes, client: client?.results ?? [], hasClient: client !== undefined,
  });
  const m = await waitSoleMaster(state, vips, stableMs + 5000);
  say(`restored: MASTER is ${m}`);
  return timeline;
}
