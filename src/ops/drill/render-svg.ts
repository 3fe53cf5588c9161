// A hand-written SVG picture of one or more drills: per drill, lanes for the old master's adverts,
// the new master's adverts, gratuitous ARPs and the client's requests (green ok, red failed), the
// fault and key events as labelled vertical lines, and the theoretical takeover window as a band.
import type { DrillTimeline } from './timeline.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const W = 1000;
const LEFT = 170;
const RIGHT = 30;
const LANE = 22;
const COLORS: Record<string, string> = { fault: '#d62728', lastAdvertOld: '#7f7f7f', firstAdvertNew: '#1f77b4', vipPresent: '#9467bd', firstGarp: '#ff7f0e', firstClientOk: '#2ca02c' };

function drillBlock(t: DrillTimeline, top: number): { svg: string; height: number } {
  const from = t.faultAtMs - Math.max(1000, t.advertInt * 1500);
  const lastEvent = Math.max(...t.events.map((e) => e.atMs ?? t.faultAtMs), t.faultAtMs + t.limitMs);
  const to = lastEvent + Math.max(500, t.advertInt * 500);
  const x = (ms: number): number => LEFT + ((ms - from) / (to - from)) * (W - LEFT - RIGHT);
  const inRange = (ms: number): boolean => ms >= from && ms <= to;
  const S: string[] = [];
  const measured = t.verdictOn === 'client-gap' ? ['client gap', t.clientGapMs] as const : ['takeover', t.takeoverMs] as const;
  const title = `${t.scenario}: ${t.oldMaster} → ${t.newMaster}, ${measured[0]} ${measured[1] === undefined ? 'n/a' : (measured[1] / 1000).toFixed(3) + ' s'} (limit ${(t.limitMs / 1000).toFixed(3)} s) ${t.withinLimit ? 'PASS' : 'FAIL'}`;
  S.push(`<text x="10" y="${top + 16}" font-size="14" font-weight="bold">${esc(title)}</text>`);
  const lanesTop = top + 30;
  const lanes: [string, number[], string][] = [
    [`adverts ${t.oldMaster} (old)`, t.series.oldAdverts, '#7f7f7f'],
    [`adverts ${t.newMaster} (new)`, t.series.newAdverts, '#1f77b4'],
    ['gratuitous ARP', t.series.garps, '#ff7f0e'],
    ['client ok', t.series.clientOk, '#2ca02c'],
    ['client failed', t.series.clientFail, '#d62728'],
  ];
  // Theoretical window: from the fault to fault + theory.
  S.push(`<rect x="${x(t.faultAtMs).toFixed(1)}" y="${lanesTop}" width="${(x(t.faultAtMs + t.theory.ms) - x(t.faultAtMs)).toFixed(1)}" height="${lanes.length * LANE}" fill="#fff3c4" />`);
  lanes.forEach(([label, xs, color], i) => {
    const y = lanesTop + i * LANE;
    S.push(`<text x="10" y="${y + 15}" font-size="12">${esc(label)}</text>`);
    S.push(`<line x1="${LEFT}" y1="${y + LANE / 2}" x2="${W - RIGHT}" y2="${y + LANE / 2}" stroke="#ddd" />`);
    for (const ms of xs.filter(inRange)) S.push(`<line x1="${x(ms).toFixed(1)}" y1="${y + 4}" x2="${x(ms).toFixed(1)}" y2="${y + LANE - 4}" stroke="${color}" stroke-width="2" />`);
  });
  const lanesBottom = lanesTop + lanes.length * LANE;
  // Key events as vertical lines with labels stacked below the lanes.
  t.events.filter((e) => e.atMs !== undefined && inRange(e.atMs)).forEach((e, i) => {
    const ex = x(e.atMs!).toFixed(1);
    const color = COLORS[e.name] ?? '#000';
    S.push(`<line x1="${ex}" y1="${lanesTop}" x2="${ex}" y2="${lanesBottom + 8 + i * 16}" stroke="${color}" stroke-dasharray="4 3" />`);
    // Labels right of the midpoint end at their line so they stay inside the picture.
    const anchor = x(e.atMs!) > (LEFT + W) / 2 ? 'end' : 'start';
    S.push(`<text x="${ex}" y="${lanesBottom + 20 + i * 16}" font-size="11" fill="${color}" text-anchor="${anchor}">${esc(`${e.label} ${e.offsetMs! >= 0 ? '+' : ''}${(e.offsetMs! / 1000).toFixed(3)} s`)}</text>`);
  });
  const axisY = lanesBottom + 20 + t.events.length * 16 + 6;
  S.push(`<line x1="${LEFT}" y1="${axisY}" x2="${W - RIGHT}" y2="${axisY}" stroke="#000" />`);
  const stepMs = (to - from) > 8000 ? 1000 : 500;
  for (let ms = Math.ceil((from - t.faultAtMs) / stepMs) * stepMs; t.faultAtMs + ms <= to; ms += stepMs) {
    const tx = x(t.faultAtMs + ms).toFixed(1);
    S.push(`<line x1="${tx}" y1="${axisY}" x2="${tx}" y2="${axisY + 5}" stroke="#000" />`);
    S.push(`<text x="${tx}" y="${axisY + 17}" font-size="10" text-anchor="middle">${(ms / 1000).toFixed(1)}</text>`);
  }
  S.push(`<text x="${W - RIGHT}" y="${axisY + 30}" font-size="10" text-anchor="end">seconds since the fault; shaded: theory (${esc(t.theory.text)})</text>`);
  return { svg: S.join('\n'), height: axisY + 45 - top };
}

export function renderSvg(drills: readonly DrillTimeline[]): string {
  let top = 10;
  const blocks: string[] = [];
  for (const t of drills) {
    const b = drillBlock(t, top);
    blocks.push(b.svg);
    top += b.height + 10;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${top}" viewBox="0 0 ${W} ${top}" font-family="sans-serif">`,
    `<rect width="${W}" height="${top}" fill="#fff" />`,
    ...blocks,
    '</svg>',
    '',
  ].join('\n');
}
