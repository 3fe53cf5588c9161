// vrrp_strict without `accept`: a MASTER that is not the address owner drops traffic to its VIPs
// (keepalived installs firewall rules for this); with `accept` it answers. The drop goes away
// when the daemon stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { NetnsLab, isRoot, rootSkipReason, waitFor } from '../lib/netns.js';
import { KaTsDaemon } from '../lib/ka-ts-daemon.js';
import { buildDirectorLab } from './director-lab.js';

const run = promisify(execFile);
const VIP = '10.77.0.100';

const conf = (accept: boolean): string => `
global_defs {
    vrrp_strict
    vrrp_garp_master_delay 0
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    version 3
    priority 100
    advert_int 0.2
    ${accept ? 'accept' : ''}
    virtual_ipaddress {
        ${VIP}/24
    }
    notify %NOTIFY%
}
`;

async function answers(ns: string, addr: string): Promise<boolean> {
  return await run('ip', ['netns', 'exec', ns, 'ping', '-c', '1', '-W', '1', addr]).then(() => true, () => false);
}

for (const accept of [false, true]) {
  test(`vrrp_strict ${accept ? 'with accept: the MASTER answers on its VIP' : 'without accept: traffic to the VIP is dropped while MASTER'}`, { skip: rootSkipReason(), timeout: 60_000 }, async () => {
    if (!isRoot()) return;
    const lab = new NetnsLab('strict');
    let d: KaTsDaemon | undefined;
    try {
      const dl = await buildDirectorLab(lab, 1);
      const d1 = dl.directors[0]!;
      d = KaTsDaemon.start(lab, d1.ns, { conf: conf(accept), flags: ['-P'] });
      await d.waitForState('VI_1', 'MASTER', 10_000);
      await waitFor(() => d!.holds(VIP), 5_000);
      // The director's own address answers either way: only the VIP is affected.
      assert.equal(await answers(dl.client.ns, d1.v4), true);
      if (accept) {
        await waitFor(() => answers(dl.client.ns, VIP), 5_000);
      } else {
        // Give the drop rule time to be in place, then the VIP must stay silent.
        await waitFor(async () => (await run('ip', ['netns', 'exec', d1.ns, 'nft', 'list', 'set', 'inet', 'kats_vrrp', 'vips4']).then((r) => r.stdout.includes(VIP), () => false)), 5_000);
        assert.equal(await answers(dl.client.ns, VIP), false, 'the VIP does not answer under vrrp_strict without accept');
      }
      await d.stop();
      const tables = (await run('ip', ['netns', 'exec', d1.ns, 'nft', 'list', 'tables'])).stdout;
      assert.ok(!tables.includes('kats_vrrp'), 'the drop table is removed on stop');
    } finally {
      await d?.stop().catch(() => undefined);
      d?.removeFiles();
      await lab.cleanup();
    }
  });
}
