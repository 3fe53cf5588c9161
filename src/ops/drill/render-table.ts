// The drill's timeline as a terminal table: each event with its offset from the fault, then the
// client's gap beside the protocol's theoretical takeover time.
import type { DrillTimeline } from './timeline.js';

const sec = (ms: number | undefined, sign = true): string => (ms === undefined ? '-' : `${sign && ms >= 0 ? '+' : ''}${(ms / 1000).toFixed(3)} s`);
const clock = (ms: number | undefined): string => (ms === undefined ? 'not seen' : new Date(ms).toISOString().slice(11, 23));

export function renderTable(t: DrillTimeline): string {
  const L: string[] = [];
  L.push(`drill ${t.scenario}: ${t.oldMaster} → ${t.newMaster}   VIP ${t.vip}   advert_int ${t.advertInt} s   priority ${t.priority}`);
  const w = Math.max(...t.events.map((e) => e.label.length), 20);
  L.push(`  ${'event'.padEnd(w)}  ${'time (UTC)'.padEnd(12)}  since fault`);
  for (const e of t.events) L.push(`  ${e.label.padEnd(w)}  ${clock(e.atMs).padEnd(12)}  ${sec(e.offsetMs)}`);
  L.push(`  priority-0 advert from the old master: ${t.priorityZeroSeen ? 'yes' : 'no'}`);
  if (t.verdictOn === 'client-gap') L.push(`  client: ${t.clientRequests} requests, ${t.clientFailures} failed; longest gap ${sec(t.clientGapMs, false)}`);
  else L.push('  no client in this drill (a real pair): the verdict is on the takeover time');
  if (t.clientGapMs !== undefined && t.clientGapMs < 150) L.push('  the client saw no outage: the old director\'s kernel kept forwarding until the new master\'s gratuitous ARP moved the client');
  L.push(`  theory: ${t.theory.text}`);
  const measured = t.verdictOn === 'client-gap' ? `gap ${sec(t.clientGapMs, false)}` : `takeover ${sec(t.takeoverMs, false)}`;
  L.push(`  verdict: ${measured} ${t.withinLimit ? '≤' : '>'} limit ${sec(t.limitMs, false)} (theory + 0.2 s): ${t.withinLimit ? 'PASS' : 'FAIL'}`);
  return L.join('\n') + '\n';
}
