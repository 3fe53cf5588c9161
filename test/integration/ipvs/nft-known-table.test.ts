// The reconciler with the nft backend works from the table it knows and lists it only when it must:
// at start (adopting what a previous ka-ts left, without a flush), on the drift timer, after a
// failed transaction and on stop. Real nft in a namespace; every `nft … list` is counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NftBackend } from '../../../src/ipvs/backend-nft.js';
import { processRunner, type CommandRunner } from '../../../src/ipvs/command-runner.js';
import { parseIpvsadmSave } from '../../../src/ipvs/ipvsadm-parse.js';
import { destChain, serviceChain } from '../../../src/ipvs/nft-ruleset.js';
import { IpvsReconciler, type IpvsLogger } from '../../../src/ipvs/reconciler.js';
import type { IpvsTable } from '../../../src/ipvs/table.js';
import { NetnsLab, rootSkipReason } from '../lib/netns.js';

const SVC = '-t 192.0.2.10:80';
function desired(w: number, extra = ''): IpvsTable {
  return parseIpvsadmSave(`-A ${SVC} -s wrr\n-a ${SVC} -r 10.1.0.1:80 -m -w 1\n-a ${SVC} -r 10.1.0.2:80 -m -w ${w}\n${extra}`);
}
const EXTRA = '-A -t 192.0.2.11:80 -s rr -p 300\n-a -t 192.0.2.11:80 -r 10.1.0.3:80 -m -w 1\n';
const weightOf = (t: IpvsTable): number | undefined => t.services.get(SVC)?.dests.get('10.1.0.2:80')?.weight;

function logger(): IpvsLogger & { lines: string[] } {
  const lines: string[] = [];
  const put = (level: string) => (_obj: object, msg: string) => { lines.push(`${level} ${msg}`); };
  return { lines, info: put('info'), warn: put('warn'), error: put('error') };
}

async function until(cond: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await cond())) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

test('nft: reads only at start, on the drift timer, after a failure and on stop; repairs what it finds', { skip: rootSkipReason(), timeout: 60_000 }, async () => {
  const lab = new NetnsLab('ipvs');
  const stops: Array<() => Promise<unknown>> = [];
  try {
    const ns = await lab.addNs('known');
    const run = processRunner(['ip', 'netns', 'exec', ns]);
    let lists = 0;
    const counted: CommandRunner = (cmd, args, stdin) => { if (args.includes('list') && args.includes('table')) lists++; return run(cmd, args, stdin); };
    const probe = new NftBackend({ run });
    const nft = (...args: string[]) => lab.exec(ns, 'nft', args);

    // A previous ka-ts left a table, with a persistence set a client is in: adopted, not flushed.
    const first = new IpvsReconciler({ backend: new NftBackend({ run }), log: logger(), driftIntervalMs: 0, keepOnStop: true });
    await first.start(desired(1, EXTRA));
    await first.stop();
    const pset = (await probe.readRaw()).sets[0] as string;
    await nft('add', 'element', 'inet', 'kats', pset, '{ 198.51.100.7 }');

    const log = logger();
    const r = new IpvsReconciler({ backend: new NftBackend({ run: counted }), log, driftIntervalMs: 0, retryDelayMs: 50 });
    stops.push(() => r.stop());
    const start = await r.start(desired(1, EXTRA));
    assert.deepEqual(start.changes, [], 'the table is adopted as it is');
    assert.equal(lists, 1, 'start lists the table once');
    assert.match((await nft('list', 'set', 'inet', 'kats', pset)).stdout, /198\.51\.100\.7/, 'persistence kept (no flush)');

    // Weight changes (reloads, health): no listing, and the kernel has them.
    for (const w of [2, 3, 4]) {
      const rep = await r.setDesired(desired(w, EXTRA));
      assert.deepEqual(rep.outcomes.map((o) => o.status), ['ok']);
      assert.equal(weightOf(await probe.read()), w);
    }
    assert.equal(lists, 1, 'changes after a successful transaction do not list the table');
    assert.equal(r.stats.reads, 1);

    // Someone deletes the table. The next change rewrites one service's chains, which are gone:
    // nft rejects the transaction; the failure is logged and counted, the table listed again and
    // the change retried by itself, which rebuilds everything.
    await nft('delete', 'table', 'inet', 'kats');
    const failed = await r.setDesired(desired(5, EXTRA));
    assert.deepEqual(failed.outcomes.map((o) => o.status), ['failed']);
    assert.equal(r.stats.changesFailed, 1);
    assert.ok(log.lines.some((l) => /^warn ipvs: -e .* -w 5: failed \(.*No such file or directory.*\); will retry$/s.test(l)), log.lines.join('\n'));
    await until(async () => weightOf(await probe.read()) === 5, 10_000);
    assert.ok(lists >= 2, 'the retry listed the table first');
    const t = await probe.readRaw();
    assert.deepEqual(t.inconsistencies, []);
    assert.ok(t.chains.includes(destChain(SVC, '10.1.0.1:80')), 'the whole service is back');
    assert.ok(t.table.services.has('-t 192.0.2.11:80'), 'and the other service');

    // Stop lists what is there before releasing it.
    const before = lists;
    stops.pop();
    await r.stop();
    assert.equal(lists, before + 1);
    assert.notEqual((await lab.exec(ns, 'nft', ['list', 'table', 'inet', 'kats'], true)).code, 0, 'table released');
  } finally {
    for (const s of stops) await s().catch(() => undefined);
    await lab.cleanup();
  }
});

test('nft: the drift timer lists the table and repairs a chain emptied by hand', { skip: rootSkipReason(), timeout: 60_000 }, async () => {
  const lab = new NetnsLab('ipvs');
  let r: IpvsReconciler | undefined;
  try {
    const ns = await lab.addNs('drift');
    const run = processRunner(['ip', 'netns', 'exec', ns]);
    const probe = new NftBackend({ run });
    // The period is short for the test; the reconciler stretches it to 10× a listing's duration.
    r = new IpvsReconciler({ backend: new NftBackend({ run }), log: logger(), driftIntervalMs: 200 });
    await r.start(desired(3));
    const readsAfterStart = r.stats.reads;
    await lab.exec(ns, 'nft', ['flush', 'chain', 'inet', 'kats', serviceChain(SVC)]);
    await until(() => (r as IpvsReconciler).stats.driftRepairs > 0, 10_000);
    assert.ok(r.stats.reads > readsAfterStart);
    const t = await probe.readRaw();
    assert.deepEqual(t.inconsistencies, []);
    assert.equal(weightOf(t.table), 3);
    await r.stop();
    assert.equal((await lab.exec(ns, 'nft', ['list', 'table', 'inet', 'kats'], true)).code === 0, false, 'stop removed the table');
    r = undefined;
  } finally {
    await r?.stop();
    await lab.cleanup();
  }
});
