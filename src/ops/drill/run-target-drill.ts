// A drill against a real pair, run on the MASTER director itself: demote its instances through
// the local ka-ts control socket, watch the wire on the instance's interface until the peer
// (ADDR) advertises as MASTER and announces the VIP, then restore the priority. No client runs
// here (traffic from the director to its own VIP never leaves it): the verdict is on the takeover.
import { controlRequest } from '../../daemon/control-client.js';
import { loadLabConfig } from '../lab/lab-config.js';
import { addressesIn, sh, sleep } from '../lab/sh.js';
import { DrillError } from './faults.js';
import { buildTimeline, type DrillTimeline } from './timeline.js';
import { VipWatch } from './vip-watch.js';
import { WireCapture } from './wire-capture.js';

export interface TargetDrillOptions {
  file: string;
  target: string;
  controlSocket: string;
  progress?: (line: string) => void;
}

async function hostMac(ifname: string): Promise<string> {
  const m = /link\/ether ([0-9a-f:]{17})/.exec((await sh('ip', ['-o', 'link', 'show', 'dev', ifname])).stdout);
  if (!m) throw new DrillError(`no MAC address on ${ifname}`);
  return m[1]!;
}

async function peerMac(addr: string): Promise<string> {
  await sh('ping', ['-n', '-c', '1', '-W', '1', addr], true);
  const m = /lladdr ([0-9a-f:]{17})/.exec((await sh('ip', ['neigh', 'show', addr], true)).stdout);
  if (!m) throw new DrillError(`cannot resolve the MAC address of ${addr}: is it the peer director on a directly connected network?`);
  return m[1]!;
}

export async function runTargetDrill(opts: TargetDrillOptions): Promise<DrillTimeline> {
  const say = opts.progress ?? (() => undefined);
  const cfg = await loadLabConfig(opts.file);
  const inst = cfg.instances.find((i) => i.vips.length > 0);
  if (!inst) throw new DrillError(`${cfg.file}: no vrrp_instance with a VIP to drill`);
  const vip = inst.vips[0]!.address;
  const vips = cfg.instances.flatMap((i) => i.vips.map((v) => v.address));
  const mine = [...(await addressesIn(undefined)).values()].flat();
  if (!mine.includes(vip)) throw new DrillError(`this director does not hold ${vip}: run the drill on the MASTER`);
  const oldMac = await hostMac(inst.interface);
  const newMac = await peerMac(opts.target);
  const names = cfg.instances.map((i) => i.name);
  const advertInt = inst.advertInt;

  say(`watching ${inst.interface}; demoting ${names.join(', ')} through ${opts.controlSocket}`);
  const wire = await WireCapture.start(undefined, inst.interface);
  const vipWatch = await VipWatch.start([''], vips);
  let faultAtMs = 0;
  let demoted = false;
  try {
    await sleep(Math.max(1000, advertInt * 1500));
    faultAtMs = Date.now();
    for (const n of names) await controlRequest(opts.controlSocket, { cmd: 'demote', instance: n });
    demoted = true;
    const deadline = performance.now() + (5 * advertInt + 5) * 1000;
    for (;;) {
      const took = wire.events.some((e) => e.kind === 'advert' && e.srcMac === newMac && e.vrid === inst.vrid && e.priority > 0 && e.atMs >= faultAtMs);
      const announced = wire.events.some((e) => e.kind === 'garp' && e.srcMac === newMac && e.target === vip && e.atMs >= faultAtMs);
      if (took && announced) break;
      if (performance.now() > deadline) { say(`${opts.target} did not take over within ${Math.round(5 * advertInt + 5)} s`); break; }
      await sleep(50);
    }
    await sleep(Math.max(500, advertInt * 1000));
  } finally {
    await vipWatch.stop();
    await wire.stop();
    if (demoted) {
      say('restoring priorities');
      for (const n of names) await controlRequest(opts.controlSocket, { cmd: 'restore', instance: n });
    }
  }
  return buildTimeline({
    scenario: 'demote', faultAtMs, oldMaster: 'this director', newMaster: opts.target, oldMac, newMac, newNs: '',
    vrid: inst.vrid, vip, advertInt, priority: inst.priority, vrrpVersion: cfg.vrrpVersion, scriptInterval: 1,
    wire: wire.events, vipChanges: vipWatch.changes, client: [], hasClient: false,
  });
}
