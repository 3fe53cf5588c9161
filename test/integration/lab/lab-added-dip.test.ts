// A NAT config without a DIP (conf/lab-single-vip.conf): the lab adds the back network, a floating
// DIP instance in a sync group with the VIP, and the client reaches every real server through the
// VIP with the weights of the config (wrr 2:1). keepalived 2.2.7 directors (VRRP), nft NAT by the lab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rootSkipReason } from '../lib/netns.js';
import { loadLabConfig } from '../../../src/ops/lab/lab-config.js';
import { labUp } from '../../../src/ops/lab/up.js';
import { labDown } from '../../../src/ops/lab/down.js';
import { labStatus } from '../../../src/ops/lab/status.js';
import { nsSh } from '../../../src/ops/lab/sh.js';
import { leftoverNamespaces, uniqueLabName } from './lab-helpers.js';

test('lab adds a floating DIP when the config has none', { skip: rootSkipReason(), timeout: 60_000 }, async () => {
  const name = uniqueLabName('d');
  const cfg = await loadLabConfig(join(process.cwd(), 'conf', 'lab-single-vip.conf'));
  try {
    const { state } = await labUp(cfg, { name, directors: ['keepalived', 'keepalived'], advertInt: 0.5 });
    const dip = state.plan.addedDip;
    assert.ok(dip);
    assert.equal(dip.ifname, 'lab-back');
    assert.ok(state.notes.some((n) => n.includes('LAB_DIP')) && state.notes.some((n) => n.includes('LAB_SYNC')));
    const st = await labStatus(name);
    const master = st.holdings.find((h) => h.director === st.master)!;
    assert.deepEqual(master.vips.sort(), ['172.16.20.10', dip.address].sort(), 'VIP and DIP move together');
    const hits = new Map<string, number>();
    for (let i = 0; i < 6; i++) {
      const r = await nsSh(state.namespaces.client, process.execPath, ['-e', "fetch('http://172.16.20.10:8080/').then(r=>r.text()).then(t=>process.stdout.write(t))"]);
      const rs = r.stdout.split(':')[0]!;
      hits.set(rs, (hits.get(rs) ?? 0) + 1);
    }
    assert.deepEqual(Object.fromEntries(hits), { '10.20.0.21': 4, '10.20.0.22': 2 });
  } finally {
    await labDown(name);
  }
  assert.deepEqual(leftoverNamespaces(name), []);
});
