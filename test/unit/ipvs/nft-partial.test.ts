import { test } from 'node:test';
import assert from 'node:assert/strict';
import { destChain, nftObjects, renderNftServicesTransaction, serviceChain } from '../../../src/ipvs/nft-ruleset.js';
import { destKey, serviceKey, type Destination, type IpvsTable, type Service } from '../../../src/ipvs/table.js';

function svc(port: number): Service {
  return { id: { kind: 'addr', family: 'inet', protocol: 'tcp', address: '10.0.0.1', port }, scheduler: 'wrr', ops: false, flags: [] };
}
function dest(last: number, weight: number): Destination {
  return { address: `10.0.1.${last}`, port: 80, method: 'masq', weight, upperThreshold: 0, lowerThreshold: 0 };
}
function table(entries: Array<[Service, Destination[]]>): IpvsTable {
  return { services: new Map(entries.map(([s, ds]) => [serviceKey(s.id), { service: s, dests: new Map(ds.map((d) => [destKey(d), d])) }])) };
}

test('a destination change rewrites only the chains of its service', () => {
  const a = svc(80);
  const b = svc(443);
  const before = table([[a, [dest(1, 1), dest(2, 1), dest(3, 1)]], [b, [dest(1, 1)]]]);
  const after = table([[a, [dest(1, 3), dest(2, 1)]], [b, [dest(1, 1)]]]);
  const existing = nftObjects(before);
  const ka = serviceKey(a.id);
  const tx = renderNftServicesTransaction(after, existing, new Set([ka]));
  const lines = tx.trim().split('\n');
  // Service b and the shared chains are untouched.
  assert.ok(!tx.includes(serviceChain(serviceKey(b.id))), 'other services are not touched');
  assert.ok(!/ services /.test(tx) && !tx.includes('prerouting'), 'the services / hook chains are not touched');
  // a's chains are flushed, the removed destination's chain deleted, the rest rebuilt.
  assert.ok(lines.includes(`flush chain inet kats ${serviceChain(ka)}`));
  assert.ok(lines.includes(`delete chain inet kats ${destChain(ka, destKey(dest(3, 1)))}`));
  assert.ok(lines.some((l) => l.startsWith(`add rule inet kats ${serviceChain(ka)} `) && l.includes('numgen inc mod 4')), 'wrr 3:1 → 4 slots');
  assert.equal(renderNftServicesTransaction(after, existing, new Set()), '');
});
