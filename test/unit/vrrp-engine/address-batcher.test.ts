import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressBatcher } from '../../../src/vrrp/engine/address-batcher.js';
import type { VipEntry } from '../../../src/vrrp/engine/ports.js';

const vip = (cidr: string): VipEntry => ({ cidr, dev: 'eth0' });

test('address batcher: one apply per turn, the last request for a VIP wins, announcements after the batch', async () => {
  const calls: Array<{ add: string[]; del: string[] }> = [];
  const order: string[] = [];
  const b = new AddressBatcher({
    apply: async (add, del) => { calls.push({ add: add.map((v) => v.cidr), del: del.map((v) => v.cidr) }); order.push('apply'); },
  }, () => assert.fail('no error expected'));
  b.request([vip('10.0.0.1/24'), vip('10.0.0.2/24')], []);
  b.request([], [vip('10.0.0.2/24'), vip('10.0.0.3/24')]);
  b.thenRun(() => order.push('garp'));
  await b.flush();
  assert.deepEqual(calls, [{ add: ['10.0.0.1/24'], del: ['10.0.0.2/24', '10.0.0.3/24'] }]);
  assert.deepEqual(order, ['apply', 'garp']);
  b.request([vip('10.0.0.2/24')], []);
  await b.flush();
  assert.equal(calls.length, 2);
  assert.equal(b.counters.batches, 2);
});

test('address batcher: a failing batch is counted and reported, later batches still run in order', async () => {
  const errors: string[] = [];
  let n = 0;
  const b = new AddressBatcher({ apply: async () => { n += 1; if (n === 1) throw new Error('RTNETLINK answers: Operation not permitted'); } }, (e) => errors.push(e.message));
  const after: number[] = [];
  b.request([vip('10.0.0.1/24')], []);
  b.thenRun(() => after.push(1));
  await b.flush();
  b.request([vip('10.0.0.2/24')], []);
  b.thenRun(() => after.push(2));
  await b.flush();
  assert.deepEqual(errors, ['RTNETLINK answers: Operation not permitted']);
  assert.deepEqual(after, [1, 2]);
  assert.equal(b.counters.failures, 1);
});

test('address batcher: routes and rules go through transact with the VIPs; without transact it says so', async () => {
  const txs: unknown[] = [];
  const b = new AddressBatcher({ apply: async () => assert.fail('apply must not be used when routes change'), transact: async (tx) => { txs.push(tx); } }, () => assert.fail('no error'));
  const route = { family: 'ipv4' as const, words: ['10.99.0.0/24', 'via', '10.0.0.254'] };
  b.change({ addVips: [vip('10.0.0.1/24')], addRoutes: [route] });
  await b.flush();
  assert.deepEqual(txs, [{ addAddresses: [vip('10.0.0.1/24')], removeAddresses: [], addRoutes: [route], removeRoutes: [], addRules: [], removeRules: [] }]);

  const errors: string[] = [];
  const applied: string[] = [];
  const basic = new AddressBatcher({ apply: async (add) => { applied.push(...add.map((v) => v.cidr)); } }, (e) => errors.push(e.name));
  basic.change({ addVips: [vip('10.0.0.1/24')], addRoutes: [route] });
  await basic.flush();
  assert.deepEqual(applied, ['10.0.0.1/24'], 'the VIPs are still applied');
  assert.deepEqual(errors, ['AddressBatcherError']);
  assert.equal(basic.counters.failures, 1);
});
