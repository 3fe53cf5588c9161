// The reconciler driven through the real dry-run backend (in-memory table, ipvsadm-syntax output).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { DryRunBackend } from '../../../src/ipvs/backend-dry-run.js';
import { IpvsadmBackend } from '../../../src/ipvs/backend-ipvsadm.js';
import { diffTables } from '../../../src/ipvs/diff.js';
import { parseIpvsadmSave } from '../../../src/ipvs/ipvsadm-parse.js';
import { IpvsReconciler, type IpvsLogger } from '../../../src/ipvs/reconciler.js';
import { emptyTable } from '../../../src/ipvs/table.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
  take(): string[] {
    const lines = this.text.split('\n').filter(Boolean);
    this.text = '';
    return lines;
  }
}

function logger(): IpvsLogger & { lines: string[] } {
  const lines: string[] = [];
  const put = (level: string) => (obj: object, msg: string) => { lines.push(`${level} ${msg} ${JSON.stringify(obj)}`); };
  return { lines, info: put('info'), warn: put('warn'), error: put('error') };
}

/** A dry-run backend whose table already holds `save` (as if a previous ka-ts or an operator made it). */
async function seeded(save: string): Promise<{ backend: DryRunBackend; out: Capture }> {
  const out = new Capture();
  const backend = new DryRunBackend(out);
  await backend.apply(diffTables(parseIpvsadmSave(save), emptyTable(), new Set()));
  out.take();
  return { backend, out };
}

const EXISTING = '-A -t 10.0.0.1:80 -s wrr\n-a -t 10.0.0.1:80 -r 10.1.0.1:80 -m -w 1\n-a -t 10.0.0.1:80 -r 10.1.0.2:80 -m -w 1\n-A -u 10.0.0.9:53 -s rr\n';
const DESIRED = '-A -t 10.0.0.1:80 -s wrr\n-a -t 10.0.0.1:80 -r 10.1.0.1:80 -m -w 1\n-a -t 10.0.0.1:80 -r 10.1.0.2:80 -m -w 3\n';

test('start adopts the existing table: no flush, only the weight edit; foreign services untouched', async () => {
  const { backend, out } = await seeded(EXISTING);
  const log = logger();
  const r = new IpvsReconciler({ backend, log, driftIntervalMs: 0 });
  const report = await r.start(parseIpvsadmSave(DESIRED));
  assert.deepEqual(out.take(), ['ipvsadm -e -t 10.0.0.1:80 -r 10.1.0.2:80 -m -w 3']);
  assert.equal(report.drift, false);
  assert.deepEqual(r.managedServices(), ['-t 10.0.0.1:80']);
  assert.ok((await backend.read()).services.has('-u 10.0.0.9:53'));
  const snap = r.snapshot();
  assert.equal(snap.backend, 'dry-run');
  assert.deepEqual([...(snap.lastRead?.services.keys() ?? [])], ['-t 10.0.0.1:80', '-u 10.0.0.9:53']);
  assert.deepEqual(snap.managed, ['-t 10.0.0.1:80']);
  await r.stop();
  assert.deepEqual(out.take(), ['ipvsadm -D -t 10.0.0.1:80'], 'stop removes only what ka-ts manages');
  assert.deepEqual([...(await backend.read()).services.keys()], ['-u 10.0.0.9:53']);
});

test('drift is detected, logged, counted and repaired', async () => {
  const { backend, out } = await seeded('');
  const log = logger();
  const r = new IpvsReconciler({ backend, log, driftIntervalMs: 0 });
  await r.start(parseIpvsadmSave(DESIRED));
  assert.equal(out.take().length, 3);
  // someone deletes a destination behind ka-ts's back
  await backend.apply(diffTables(parseIpvsadmSave('-A -t 10.0.0.1:80 -s wrr\n-a -t 10.0.0.1:80 -r 10.1.0.1:80 -m -w 1\n'), await backend.read(), new Set(['-t 10.0.0.1:80'])));
  out.take();
  const report = await r.reconcileNow();
  assert.equal(report.drift, true);
  assert.deepEqual(out.take(), ['ipvsadm -a -t 10.0.0.1:80 -r 10.1.0.2:80 -m -w 3']);
  assert.equal(r.stats.driftRepairs, 1);
  assert.ok(log.lines.some((l) => l.startsWith('warn ipvs: table drifted')));
  // a desired-state change is not drift
  r.setDesired(parseIpvsadmSave(DESIRED.replace('-w 3', '-w 4')));
  const next = await r.reconcileNow();
  assert.equal(next.drift, false);
  assert.equal(r.stats.driftRepairs, 1);
  await r.stop();
});

test('a service leaving the desired state is deleted once, then forgotten', async () => {
  const { backend, out } = await seeded('');
  const r = new IpvsReconciler({ backend, log: logger(), driftIntervalMs: 0 });
  await r.start(parseIpvsadmSave(`${DESIRED}-A -f 5 -s rr\n`));
  out.take();
  r.setDesired(parseIpvsadmSave(DESIRED));
  await r.reconcileNow();
  assert.deepEqual(out.take(), ['ipvsadm -D -f 5']);
  assert.deepEqual(r.managedServices(), ['-t 10.0.0.1:80']);
  await r.stop();
});

test('--dont-release-ipvs: stop leaves the table in place', async () => {
  const { backend, out } = await seeded('');
  const r = new IpvsReconciler({ backend, log: logger(), driftIntervalMs: 0, keepOnStop: true });
  await r.start(parseIpvsadmSave(DESIRED));
  out.take();
  assert.equal(await r.stop(), undefined);
  assert.deepEqual(out.take(), []);
  assert.equal((await backend.read()).services.size, 1);
});

test('a table that cannot be read is logged and counted, never thrown', async () => {
  const log = logger();
  const r = new IpvsReconciler({ backend: new IpvsadmBackend({ program: '/nonexistent/ipvsadm' }), log, driftIntervalMs: 0 });
  const report = await r.start(parseIpvsadmSave(DESIRED));
  assert.match(report.readError ?? '', /\/nonexistent\/ipvsadm -S -n failed \(ENOENT\)/);
  assert.equal(r.stats.readErrors, 1);
  assert.ok(log.lines.some((l) => l.startsWith('error ipvs: cannot read the table')));
  await r.stop();
  assert.equal(r.stats.readErrors, 2);
});

test('lvs_flush: foreign services go at start, wanted ones are adopted in place; lvs_flush_onstop full clears all', async () => {
  const { backend, out } = await seeded(EXISTING);
  const r = new IpvsReconciler({ backend, log: logger(), driftIntervalMs: 0, flushOnStart: true, flushAllOnStop: true });
  await r.start(parseIpvsadmSave(DESIRED));
  assert.deepEqual(out.take(), ['ipvsadm -e -t 10.0.0.1:80 -r 10.1.0.2:80 -m -w 3', 'ipvsadm -D -u 10.0.0.9:53']);
  await backend.apply(diffTables(parseIpvsadmSave(`${DESIRED}-A -f 9 -s rr\n`), await backend.read(), new Set()));
  out.take();
  await r.stop();
  assert.deepEqual(out.take().sort(), ['ipvsadm -D -f 9', 'ipvsadm -D -t 10.0.0.1:80']);
});

test('after a failure the reconciler retries by itself, backing off, even with the drift timer off', async () => {
  const r = new IpvsReconciler({ backend: new IpvsadmBackend({ program: '/nonexistent/ipvsadm' }), log: logger(), driftIntervalMs: 0, retryDelayMs: 10 });
  await r.start(parseIpvsadmSave(DESIRED));
  const deadline = performance.now() + 5000;
  while (r.stats.readErrors < 3 && performance.now() < deadline) await new Promise((res) => setTimeout(res, 20));
  await r.stop();
  assert.ok(r.stats.readErrors >= 3, `retried ${r.stats.readErrors - 1} times`);
});
