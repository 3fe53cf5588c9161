// AddressManager against the kernel in a namespace: one batch adds every VIP form, routes and
// rules; repeating it is not an error and changes nothing; removal and stale clean-up; a real
// failure is an AddressBatchError naming the line while the rest of the batch still applies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NetnsLab, rootSkipReason } from '../lib/netns.js';
import { AddressManager, type AddressTransaction } from '../../../src/vrrp/io/address-manager.js';
import { AddressBatchError } from '../../../src/vrrp/io/errors.js';

interface AddrInfo { family: string; local: string; prefixlen: number; broadcast?: string; scope: string; label?: string }

describe('AddressManager', { skip: rootSkipReason() }, () => {
  const lab = new NetnsLab('vioaddr');
  let ns = '';
  const addrs = async (dev: string): Promise<AddrInfo[]> => {
    const r = await lab.ip(ns, ['-j', 'addr', 'show', 'dev', dev]);
    return ((JSON.parse(r.stdout) as { addr_info: AddrInfo[] }[])[0]?.addr_info ?? []);
  };
  const routes = async (fam: '-4' | '-6'): Promise<string> => (await lab.ip(ns, [fam, 'route', 'show', 'table', 'all'])).stdout;
  const rules = async (fam: '-4' | '-6'): Promise<string[]> => (await lab.ip(ns, [fam, 'rule', 'show'])).stdout.split('\n').filter((l) => l.includes('lookup 100'));

  const tx: AddressTransaction = {
    addAddresses: [
      { cidr: '10.80.0.10/24', dev: 'v0', brd: '10.80.0.255', scope: 'global', label: 'v0:vip' },
      { cidr: '10.80.0.11', dev: 'v0', scope: 'link' },
      { cidr: 'fd00:80::10/64', dev: 'v0' },
    ],
    addRoutes: [
      { family: 'ipv4', words: ['192.168.80.0/24', 'via', '10.80.0.1', 'dev', 'v0', 'table', '100', 'no_track'] },
      { family: 'ipv6', words: ['fd00:81::/64', 'via', 'fd00:80::1', 'dev', 'v0'] },
    ],
    addRules: [
      { family: 'ipv4', words: ['from', '10.80.0.10', 'table', '100'] },
      { family: 'ipv6', words: ['from', 'fd00:80::10', 'table', '100'] },
    ],
  };

  before(async () => {
    ns = await lab.addNs('a');
    await lab.exec(ns, 'ip', ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    await lab.ip(ns, ['link', 'set', 'v0', 'up']);
    await lab.ip(ns, ['link', 'set', 'v1', 'up']);
    await lab.addAddr(ns, 'v0', '10.80.0.2/24');
    await lab.addAddr(ns, 'v0', 'fd00:80::2/64');
  });
  after(() => lab.cleanup());

  test('one batch adds every VIP form and routes of both families, IPv4 rules; IPv6 rules in a second', async () => {
    const am = new AddressManager(ns);
    const r = await am.transact(tx);
    // 3 addresses, 2 routes, 2 rules (the "rule del" before each "rule add" found nothing to remove)
    assert.equal(r.changed, 3 + 2 + 2);
    assert.equal(am.counters.batches, 2);
    await am.transact({ addAddresses: tx.addAddresses!, addRoutes: tx.addRoutes! });
    assert.equal(am.counters.batches, 3, 'VIPs and routes of both families: one process');
    const a = await addrs('v0');
    const vip = a.find((x) => x.local === '10.80.0.10');
    assert.deepEqual({ p: vip?.prefixlen, b: vip?.broadcast, s: vip?.scope, l: vip?.label }, { p: 24, b: '10.80.0.255', s: 'global', l: 'v0:vip' });
    const v11 = a.find((x) => x.local === '10.80.0.11');
    assert.deepEqual({ p: v11?.prefixlen, s: v11?.scope }, { p: 32, s: 'link' });
    assert.equal(a.find((x) => x.local === 'fd00:80::10')?.prefixlen, 64);
    assert.match(await routes('-4'), /192\.168\.80\.0\/24 via 10\.80\.0\.1 dev v0 table 100/);
    assert.match(await routes('-6'), /fd00:81::\/64 via fd00:80::1 dev v0/);
    assert.equal((await rules('-4')).length, 1);
    assert.equal((await rules('-6')).length, 1);
  });

  test('applying again is idempotent: no error, no duplicates', async () => {
    const am = new AddressManager(ns);
    await am.transact(tx);
    await am.apply([{ cidr: '10.80.0.10/24', dev: 'v0', brd: '10.80.0.255', label: 'v0:vip' }], []);
    assert.equal(am.counters.failures, 0);
    assert.equal((await addrs('v0')).filter((x) => x.local === '10.80.0.10').length, 1);
    assert.equal((await rules('-4')).length, 1);
    assert.equal((await rules('-6')).length, 1);
  });

  test('an IPv6 rule without addresses goes to an ip -6 batch', async () => {
    const am = new AddressManager(ns);
    const fw: AddressTransaction = { addRules: [{ family: 'ipv6', words: ['fwmark', '7', 'table', '100'] }] };
    await am.transact(fw);
    assert.equal((await rules('-6')).filter((l) => l.includes('fwmark 0x7')).length, 1);
    assert.equal((await rules('-4')).filter((l) => l.includes('fwmark 0x7')).length, 0);
    await am.transact({ removeRules: fw.addRules! });
    assert.equal((await rules('-6')).filter((l) => l.includes('fwmark 0x7')).length, 0);
  });

  test('removal, and removing what is absent is not an error', async () => {
    const am = new AddressManager(ns);
    const removeAll: AddressTransaction = { removeAddresses: tx.addAddresses!, removeRoutes: tx.addRoutes!, removeRules: tx.addRules! };
    assert.equal((await am.transact(removeAll)).changed, 7);
    const left = (await addrs('v0')).map((x) => x.local);
    assert.ok(!left.includes('10.80.0.10') && !left.includes('10.80.0.11') && !left.includes('fd00:80::10'));
    assert.ok(left.includes('10.80.0.2'));
    assert.doesNotMatch(await routes('-4'), /192\.168\.80\.0/);
    assert.equal((await rules('-4')).length, 0);
    assert.equal(await am.removeStale(removeAll), 0);
    assert.equal(am.counters.alreadyDone, 7);
    assert.equal(am.counters.failures, 0);
  });

  test('stale VIPs present at start are removed', async () => {
    await lab.ip(ns, ['addr', 'add', '10.80.0.50/32', 'dev', 'v0']);
    const am = new AddressManager(ns);
    assert.equal(await am.removeStale({ removeAddresses: [{ cidr: '10.80.0.50/32', dev: 'v0' }, { cidr: '10.80.0.51/32', dev: 'v0' }] }), 1);
    assert.ok(!(await addrs('v0')).some((x) => x.local === '10.80.0.50'));
  });

  test('a real failure is a typed error naming the line; the rest is applied', async () => {
    const am = new AddressManager(ns);
    await assert.rejects(
      am.apply([{ cidr: '10.80.0.60/32', dev: 'nosuchdev' }, { cidr: '10.80.0.61/32', dev: 'v0' }], []),
      (e: unknown) => e instanceof AddressBatchError && e.failures.length === 1 && e.failures[0]!.command.includes('nosuchdev'),
    );
    assert.equal(am.counters.failures, 1);
    assert.ok((await addrs('v0')).some((x) => x.local === '10.80.0.61'));
  });
});
