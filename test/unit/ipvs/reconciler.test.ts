// The reconciler driven through the real dry-run backend (in-memory table, ipvsadm-syntax output).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { DryRunBackend } from '../../../src/ipvs/backend-dry-run.js';
import { IpvsadmBackend } from '../../../src/ipvs/backend-ipvsadm.js';
import { diffTables } from '../../../src/ipvs/diff.js';
import { parseIpvsadmSave } from '../../../src/ipvs/ipvsadm-parse.js';
import type { IpvsBackend } from '../../../src/ipvs/backend.js';
import type { ApplyResult, Change } from '../../../src/ipvs/changes.js';
import { DRIFT_READ_FACTOR, IpvsReconciler, type IpvsLogger } from '../../../src/ipvs/reconciler.js';
import { emptyTable, type IpvsTable } from '../../../src/ipvs/table.js';

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

/**
 * The dry-run backend, counting reads; `failApplies` makes that many apply() calls fail without
 * touching the table (as a rejected nft transaction does).
 */
class CountingBackend implements IpvsBackend {
  readonly name = 'dry-run' as const;
  reads = 0;
  applies = 0;
  failApplies = 0;
  readDelayMs = 0;
  constructor(readonly inner: DryRunBackend) {}
  async read(): Promise<IpvsTable> {
    this.reads++;
    if (this.readDelayMs) await new Promise((res) => setTimeout(res, this.readDelayMs));
    return this.inner.read();
  }
  async apply(changes: readonly Change[]): Promise<ApplyResult> {
    this.applies++;
    if (this.failApplies > 0) {
      this.failApplies--;
      return { outcomes: changes.map((change) => ({ change, status: 'failed', error: 'transaction rejected' })) };
    }
    return this.inner.apply(changes);
  }
}

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const deadline = performance.now() + ms;
  while (!cond() && performance.now() < deadline) await new Promise((res) => setTimeout(res, 5));
};

test('after a successful apply the next pass works from the known table: no read; reconcileNow reads', async () => {
  const { backend: inner, out } = await seeded(EXISTING);
  const backend = new CountingBackend(inner);
  const r = new IpvsReconciler({ backend, log: logger(), driftIntervalMs: 0 });
  await r.start(parseIpvsadmSave(DESIRED));
  assert.equal(backend.reads, 1, 'start reads (adoption)');
  out.take();
  for (const w of [4, 5, 6]) {
    const rep = await r.setDesired(parseIpvsadmSave(DESIRED.replace('-w 3', `-w ${w}`)));
    assert.deepEqual(rep.outcomes.map((o) => o.status), ['ok']);
  }
  assert.equal(backend.reads, 1, 'desired-state passes do not read');
  assert.equal(r.stats.reads, 1);
  assert.deepEqual(out.take(), [4, 5, 6].map((w) => `ipvsadm -e -t 10.0.0.1:80 -r 10.1.0.2:80 -m -w ${w}`));
  // Unchanged desired state, known table: nothing to do, nothing read.
  assert.deepEqual((await r.setDesired(parseIpvsadmSave(DESIRED.replace('-w 3', '-w 6')))).changes, []);
  assert.equal(backend.reads, 1);
  const now = await r.reconcileNow();
  assert.equal(backend.reads, 2);
  assert.deepEqual(now.changes, [], 'the known table was right');
  assert.ok((await inner.read()).services.has('-u 10.0.0.9:53'), 'foreign service still untouched');
  await r.stop();
  assert.equal(backend.reads, 3, 'stop reads before releasing');
});

test('the drift timer re-reads the table and repairs a deletion made behind ka-ts\'s back', async () => {
  const { backend: inner, out } = await seeded('');
  const backend = new CountingBackend(inner);
  const log = logger();
  const r = new IpvsReconciler({ backend, log, driftIntervalMs: 30 });
  await r.start(parseIpvsadmSave(DESIRED));
  out.take();
  // someone removes the whole service
  await inner.apply(diffTables(emptyTable(), await inner.read(), new Set(['-t 10.0.0.1:80'])));
  out.take();
  await until(() => r.stats.driftRepairs > 0);
  assert.ok(r.stats.driftRepairs >= 3, `repairs: ${r.stats.driftRepairs}`);
  assert.deepEqual(out.take(), ['ipvsadm -A -t 10.0.0.1:80 -s wrr', 'ipvsadm -a -t 10.0.0.1:80 -r 10.1.0.1:80 -m -w 1', 'ipvsadm -a -t 10.0.0.1:80 -r 10.1.0.2:80 -m -w 3']);
  assert.ok(log.lines.some((l) => l.startsWith('warn ipvs: table drifted')));
  assert.ok(backend.reads >= 2);
  await r.stop();
});

test('a failed apply is logged and counted, the table re-read and the change retried', async () => {
  const { backend: inner, out } = await seeded(EXISTING);
  const backend = new CountingBackend(inner);
  const log = logger();
  const r = new IpvsReconciler({ backend, log, driftIntervalMs: 0, retryDelayMs: 10 });
  await r.start(parseIpvsadmSave(DESIRED));
  out.take();
  backend.failApplies = 1;
  const rep = await r.setDesired(parseIpvsadmSave(DESIRED.replace('-w 3', '-w 7')));
  assert.deepEqual(rep.outcomes.map((o) => o.status), ['failed']);
  assert.equal(r.stats.changesFailed, 1);
  assert.ok(log.lines.some((l) => l.startsWith('warn ipvs: -e -t 10.0.0.1:80 -r 10.1.0.2:80 -m -w 7: failed (transaction rejected); will retry')));
  assert.equal((await inner.read()).services.get('-t 10.0.0.1:80')?.dests.get('10.1.0.2:80')?.weight, 3, 'last good state kept');
  const readsBefore = backend.reads;
  // The retry timer runs a pass that reads first (the table is not known after a failure).
  await until(() => r.stats.changesApplied >= 2);
  assert.equal(backend.reads, readsBefore + 1);
  assert.deepEqual(out.take(), ['ipvsadm -e -t 10.0.0.1:80 -r 10.1.0.2:80 -m -w 7']);
  // And a desired change right after a failure reads too, even before the retry timer.
  backend.failApplies = 1;
  await r.setDesired(parseIpvsadmSave(DESIRED.replace('-w 3', '-w 8')));
  const reads = backend.reads;
  await r.setDesired(parseIpvsadmSave(DESIRED.replace('-w 3', '-w 9')));
  assert.equal(backend.reads, reads + 1);
  assert.equal((await inner.read()).services.get('-t 10.0.0.1:80')?.dests.get('10.1.0.2:80')?.weight, 9);
  await r.stop();
});

test('the drift timer waits at least DRIFT_READ_FACTOR times as long as a read takes', async () => {
  const { backend: inner } = await seeded('');
  const backend = new CountingBackend(inner);
  backend.readDelayMs = 20;
  const r = new IpvsReconciler({ backend, log: logger(), driftIntervalMs: 5 });
  await r.start(parseIpvsadmSave(DESIRED));
  await new Promise((res) => setTimeout(res, 20 * DRIFT_READ_FACTOR * 0.6));
  assert.equal(backend.reads, 1, `a 5 ms period would have read ~${Math.round((20 * DRIFT_READ_FACTOR * 0.6) / 25)} more times`);
  await until(() => backend.reads >= 2, 2000);
  assert.equal(backend.reads, 2, 'then it does read');
  await r.stop();
});

test('frequent desired-state passes (no read) do not push the drift read away', async () => {
  const { backend: inner } = await seeded('');
  const backend = new CountingBackend(inner);
  const r = new IpvsReconciler({ backend, log: logger(), driftIntervalMs: 100 });
  await r.start(parseIpvsadmSave(DESIRED));
  const t0 = performance.now();
  for (let w = 4; performance.now() - t0 < 450; w++) {
    await r.setDesired(parseIpvsadmSave(DESIRED.replace('-w 3', `-w ${w}`)));
    await new Promise((res) => setTimeout(res, 20));
  }
  assert.ok(backend.reads >= 3, `drift reads while a pass ran every 20 ms: ${backend.reads - 1}`);
  await r.stop();
});
