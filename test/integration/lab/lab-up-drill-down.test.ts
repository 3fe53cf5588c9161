// The "done when": lab up → drill --scenario kill → a timeline whose client gap is within
// 3 × advert_int + skew + 0.2 s → lab down leaves no namespace, process or nft table behind.
// Both directors are keepalived 2.2.7 here (VRRP), with the lab programming the nft NAT table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootSkipReason } from '../lib/netns.js';
import { labUp } from '../../../src/ops/lab/up.js';
import { labDown } from '../../../src/ops/lab/down.js';
import { labStatus } from '../../../src/ops/lab/status.js';
import { runLabDrill } from '../../../src/ops/drill/run-drill.js';
import { renderSvg } from '../../../src/ops/drill/render-svg.js';
import { renderTable } from '../../../src/ops/drill/render-table.js';
import { runDoctor } from '../../../src/ops/doctor/run-doctor.js';
import { nsSh } from '../../../src/ops/lab/sh.js';
import { exampleConf, leftoverNamespaces, pidAlive, renderSvgToPng, uniqueLabName } from './lab-helpers.js';

test('lab up, kill drill, lab down (keepalived directors)', { skip: rootSkipReason(), timeout: 90_000 }, async () => {
  const name = uniqueLabName('k');
  const cfg = await exampleConf();
  let pids: number[] = [];
  try {
    const { state, reused } = await labUp(cfg, { name, directors: ['keepalived', 'keepalived'], advertInt: 0.5 });
    assert.equal(reused, false);
    pids = state.processes.map((p) => p.pid);
    // Idempotent: a second `up` finds the running lab and changes nothing.
    const again = await labUp(cfg, { name, directors: ['keepalived', 'keepalived'], advertInt: 0.5 });
    assert.equal(again.reused, true);
    assert.deepEqual(again.state.processes.map((p) => p.pid), pids);

    const st = await labStatus(name);
    assert.equal(st.up, true);
    assert.ok(st.master === 'd1' || st.master === 'd2', `one MASTER, got ${JSON.stringify(st.holdings)}`);
    assert.equal(st.namespaces.length, 4 + 3);

    // The client reaches the real servers through the VIP (nft NAT on the MASTER, DIP as gateway).
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const r = await nsSh(state.namespaces.client, process.execPath, ['-e', "fetch('http://192.168.100.10/x').then(r=>r.text()).then(t=>process.stdout.write(t))"]);
      seen.add(r.stdout.split(':')[0]!);
    }
    assert.deepEqual([...seen].sort(), ['10.0.100.11', '10.0.100.12', '10.0.100.13']);

    // A clean lab: the doctor finds nothing on either director, real servers probed included.
    for (const d of state.directors) {
      const findings = await runDoctor({ file: d.conf, ns: d.ns, realServers: state.plan.realServers.map((r) => r.address) });
      assert.deepEqual(findings, [], `doctor on ${d.id}`);
    }

    const t = await runLabDrill(state, { scenario: 'kill' });
    process.stdout.write(renderTable(t));
    const at = Object.fromEntries(t.events.map((e) => [e.name, e.atMs]));
    for (const k of ['fault', 'lastAdvertOld', 'firstAdvertNew', 'vipPresent', 'firstGarp', 'firstClientOk']) assert.ok(at[k] !== undefined, `${k} seen`);
    assert.ok(at.lastAdvertOld! <= at.fault!, 'a killed master sends nothing after the kill');
    assert.ok(at.firstAdvertNew! > at.fault!);
    assert.ok(at.firstGarp! >= at.firstAdvertNew! - 50, 'GARP comes with the takeover');
    assert.equal(t.priorityZeroSeen, false);
    // The new master waits the master-down interval (3 × 0.5 s + skew): not before 3 adverts are missed.
    assert.ok(at.firstAdvertNew! - at.lastAdvertOld! >= 1400, `takeover after ${at.firstAdvertNew! - at.lastAdvertOld!} ms`);
    assert.ok(t.clientGapMs !== undefined);
    const limit = 3 * 0.5 * 1000 + ((256 - 100) * 0.5 * 1000) / 256 + 200;
    assert.equal(t.limitMs, limit);
    assert.ok(t.clientGapMs <= limit, `client gap ${t.clientGapMs} ms within ${limit} ms`);
    assert.ok(t.withinLimit);

    const dir = mkdtempSync(join(tmpdir(), 'kt-lab-svg-'));
    const svgFile = join(dir, 'kill.svg');
    writeFileSync(svgFile, renderSvg([t]));
    const svg = readFileSync(svgFile, 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal((svg.match(/<svg/g) ?? []).length, (svg.match(/<\/svg>/g) ?? []).length);
    const png = renderSvgToPng(svgFile);
    if (png) assert.ok(statSync(png).size > 1000, 'rendered PNG');
  } finally {
    await labDown(name);
  }
  assert.deepEqual(leftoverNamespaces(name), []);
  for (const pid of pids) assert.equal(pidAlive(pid), false, `pid ${pid} gone`);
  // nft tables lived inside the lab's namespaces; the host has none of ours.
  const { execFileSync } = await import('node:child_process');
  assert.doesNotMatch(execFileSync('nft', ['list', 'tables'], { encoding: 'utf8' }), /table inet kats\b/);
});
