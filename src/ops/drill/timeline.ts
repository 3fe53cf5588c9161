// Turns what a drill observed (wire events, VIP changes, client results) into its timeline and
// puts the protocol's theoretical takeover time beside it. Pure.
import type { ClientResult } from './client-probe.js';
import type { VipChange } from './vip-watch.js';
import type { WireEvent } from './wire-events.js';

export type Scenario = 'kill' | 'stop' | 'link-down' | 'script-fail' | 'demote';
export const SCENARIOS: readonly Scenario[] = ['kill', 'stop', 'link-down', 'script-fail', 'demote'];

export interface DrillObservation {
  scenario: Scenario;
  faultAtMs: number;
  oldMaster: string;
  newMaster: string;
  oldMac: string;
  newMac: string;
  newNs: string;
  vrid: number;
  vip: string;
  advertInt: number;
  /** The new master's effective priority. */
  priority: number;
  vrrpVersion: number;
  /** vrrp_script interval (script-fail detection), seconds. */
  scriptInterval: number;
  wire: readonly WireEvent[];
  vipChanges: readonly VipChange[];
  client: readonly ClientResult[];
  /** False when no client ran (a real pair): the verdict then uses the takeover time. */
  hasClient: boolean;
}

export type EventName = 'fault' | 'lastAdvertOld' | 'firstAdvertNew' | 'vipPresent' | 'firstGarp' | 'firstClientOk';

export interface TimelineEvent { name: EventName; label: string; atMs?: number; offsetMs?: number }

export interface Theory { ms: number; text: string }

export interface DrillTimeline {
  scenario: Scenario;
  oldMaster: string;
  newMaster: string;
  vip: string;
  advertInt: number;
  priority: number;
  faultAtMs: number;
  events: TimelineEvent[];
  /** Priority-0 advert from the old master (clean hand-over) seen after the fault. */
  priorityZeroSeen: boolean;
  clientGapMs?: number;
  clientGapFromMs?: number;
  clientFailures: number;
  clientRequests: number;
  theory: Theory;
  /** First advert of the new master minus the fault. */
  takeoverMs?: number;
  /** What the verdict measured: the client's gap in a lab, the takeover against a real pair. */
  verdictOn: 'client-gap' | 'takeover';
  /** theory + 200 ms: what the drill accepts as "as fast as the protocol allows". */
  limitMs: number;
  withinLimit: boolean;
  /** Everything the drill saw, for the picture. */
  series: { oldAdverts: number[]; newAdverts: number[]; garps: number[]; clientOk: number[]; clientFail: number[] };
}

export function skewMs(priority: number, advertInt: number, version: number): number {
  return version === 3 ? ((256 - priority) * advertInt * 1000) / 256 : ((256 - priority) * 1000) / 256;
}

export function theoryFor(o: Pick<DrillObservation, 'scenario' | 'advertInt' | 'priority' | 'vrrpVersion' | 'scriptInterval'>): Theory {
  const skew = skewMs(o.priority, o.advertInt, o.vrrpVersion);
  const down = 3 * o.advertInt * 1000 + skew;
  const s = (x: number): string => (x / 1000).toFixed(3);
  switch (o.scenario) {
    case 'kill': return { ms: down, text: `master down interval 3 × ${o.advertInt} s + skew ${s(skew)} s = ${s(down)} s` };
    case 'demote': return { ms: down + o.advertInt * 1000, text: `next advert ≤ ${o.advertInt} s + master down interval ${s(down)} s (a backup ignores lower-priority adverts)` };
    // The link is down, so the old master's priority-0 advert cannot reach the backup.
    case 'link-down': return { ms: down, text: `no advert gets out: master down interval 3 × ${o.advertInt} s + skew ${s(skew)} s = ${s(down)} s` };
    case 'stop': return { ms: skew, text: `priority-0 advert → skew ${s(skew)} s` };
    case 'script-fail': return { ms: o.scriptInterval * 1000 + skew, text: `script interval ${o.scriptInterval} s + priority-0 advert → skew ${s(skew)} s` };
  }
}

export function buildTimeline(o: DrillObservation): DrillTimeline {
  const adverts = o.wire.filter((e): e is Extract<WireEvent, { kind: 'advert' }> => e.kind === 'advert' && e.vrid === o.vrid);
  const newAdverts = adverts.filter((e) => e.srcMac === o.newMac && e.priority > 0);
  const firstNew = newAdverts.find((e) => e.atMs >= o.faultAtMs);
  const oldAdverts = adverts.filter((e) => e.srcMac === o.oldMac);
  const lastOld = [...oldAdverts].reverse().find((e) => firstNew === undefined || e.atMs <= firstNew.atMs);
  const vip = o.vipChanges.find((c) => c.added && c.ns === o.newNs && c.address === o.vip && c.atMs >= o.faultAtMs);
  const garps = o.wire.filter((e) => e.kind === 'garp' && e.target === o.vip);
  const garp = garps.find((e) => e.srcMac === o.newMac && e.atMs >= o.faultAtMs);

  // The client's gap: the longest time between two successful responses around the fault.
  const oks = o.client.filter((r) => r.ok).map((r) => r.doneMs).sort((a, b) => a - b);
  let gap: { from: number; to: number } | undefined;
  for (let i = 1; i < oks.length; i++) {
    if (oks[i]! < o.faultAtMs) continue;
    if (!gap || oks[i]! - oks[i - 1]! > gap.to - gap.from) gap = { from: oks[i - 1]!, to: oks[i]! };
  }
  // The client reaches the new master once it has announced the VIP (its GARP moves the client);
  // without a GARP seen, the end of the longest gap is the best witness.
  const movedAt = garp?.atMs ?? firstNew?.atMs;
  const firstOkVia = movedAt !== undefined
    ? o.client.filter((r) => r.ok && r.sentMs >= movedAt).sort((a, b) => a.doneMs - b.doneMs)[0]
    : (gap ? { doneMs: gap.to } : undefined);
  const theory = theoryFor(o);
  const ev = (name: EventName, label: string, atMs: number | undefined): TimelineEvent => (atMs === undefined ? { name, label } : { name, label, atMs, offsetMs: atMs - o.faultAtMs });
  const events = [
    ev('fault', `fault: ${o.scenario} on ${o.oldMaster}`, o.faultAtMs),
    ev('lastAdvertOld', `last advert from old master ${o.oldMaster}${lastOld ? ` (prio ${lastOld.priority})` : ''}`, lastOld?.atMs),
    ev('firstAdvertNew', `first advert from new master ${o.newMaster}`, firstNew?.atMs),
    o.hasClient
      ? ev('vipPresent', `VIP ${o.vip} present on ${o.newMaster}`, vip?.atMs)
      : ev('vipPresent', `VIP ${o.vip} removed from ${o.oldMaster}`, o.vipChanges.find((c) => !c.added && c.address === o.vip && c.atMs >= o.faultAtMs)?.atMs),
    ev('firstGarp', `first gratuitous ARP for ${o.vip} from ${o.newMaster}`, garp?.atMs),
    ev('firstClientOk', 'first successful client request via the new master', firstOkVia?.doneMs),
  ];
  const limitMs = theory.ms + 200;
  const gapMs = gap ? gap.to - gap.from : undefined;
  const clientWindow = o.client.filter((r) => r.sentMs >= o.faultAtMs - 1000);
  return {
    scenario: o.scenario, oldMaster: o.oldMaster, newMaster: o.newMaster, vip: o.vip, advertInt: o.advertInt, priority: o.priority,
    faultAtMs: o.faultAtMs, events,
    priorityZeroSeen: oldAdverts.some((e) => e.priority === 0 && e.atMs >= o.faultAtMs),
    ...(gap ? { clientGapMs: gapMs, clientGapFromMs: gap.from } : {}),
    clientFailures: clientWindow.filter((r) => !r.ok).length,
    clientRequests: clientWindow.length,
    theory, limitMs,
    ...(firstNew ? { takeoverMs: firstNew.atMs - o.faultAtMs } : {}),
    verdictOn: o.hasClient ? 'client-gap' : 'takeover',
    withinLimit: o.hasClient
      ? gapMs !== undefined && gapMs <= limitMs
      : firstNew !== undefined && firstNew.atMs - o.faultAtMs <= limitMs,
    series: {
      oldAdverts: oldAdverts.map((e) => e.atMs),
      newAdverts: newAdverts.map((e) => e.atMs),
      garps: garps.map((e) => e.atMs),
      clientOk: o.client.filter((r) => r.ok).map((r) => r.doneMs),
      clientFail: o.client.filter((r) => !r.ok).map((r) => r.doneMs),
    },
  };
}
