// LinkMonitor follows real link changes in a namespace (ip monitor link) and reports only changes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NetnsLab, rootSkipReason, waitFor } from '../lib/netns.js';
import { LinkMonitor } from '../../../src/vrrp/io/link-monitor.js';
import { interfaceFacts } from '../../../src/vrrp/io/interface-facts.js';
import { InterfaceNotFoundError } from '../../../src/vrrp/io/errors.js';
import { LinkPortAdapter } from '../../../src/vrrp/io/link-port.js';

describe('LinkMonitor', { skip: rootSkipReason() }, () => {
  const lab = new NetnsLab('violink');
  let a = '', b = '';
  before(async () => {
    a = await lab.addNs('a');
    b = await lab.addNs('b');
    await lab.veth(a, 'eth0', b, 'eth0');
  });
  after(() => lab.cleanup());

  test('initial state, then down/up of the peer (carrier) and of the interface itself', async () => {
    const events: string[] = [];
    const mon = new LinkMonitor((ifname, up) => events.push(`${ifname} ${up ? 'up' : 'down'}`), a);
    try {
      await mon.start();
      assert.equal(mon.isUp('eth0'), true);
      assert.ok(events.includes('eth0 up'));
      events.length = 0;
      await lab.ip(b, ['link', 'set', 'eth0', 'down']); // carrier loss on our side
      await waitFor(() => events.includes('eth0 down'), 5_000);
      await lab.ip(b, ['link', 'set', 'eth0', 'up']);
      await waitFor(() => events.includes('eth0 up'), 5_000);
      await lab.ip(a, ['link', 'set', 'eth0', 'down']);
      await waitFor(() => events.filter((e) => e === 'eth0 down').length === 2, 5_000);
      assert.equal(mon.isUp('eth0'), false);
      // lo never changed, so it was never reported after start
      assert.ok(!events.some((e) => e.startsWith('lo ')));
      assert.equal(mon.counters.restarts, 0);
    } finally {
      mon.stop();
    }
  });

  test('a dead monitor child is restarted and a change made meanwhile is still reported', async () => {
    await lab.ip(a, ['link', 'set', 'eth0', 'up']);
    await lab.ip(b, ['link', 'set', 'eth0', 'up']);
    const events: string[] = [];
    const mon = new LinkMonitor((ifname, up) => events.push(`${ifname} ${up ? 'up' : 'down'}`), a, false, 300);
    try {
      await mon.start();
      await waitFor(() => mon.isUp('eth0'), 5_000);
      const pid = mon.monitorPid!;
      process.kill(pid, 'SIGKILL');
      await lab.ip(b, ['link', 'set', 'eth0', 'down']); // while no monitor may be running
      await waitFor(() => events.includes('eth0 down'), 5_000);
      await waitFor(() => mon.counters.restarts === 1 && mon.monitorPid !== pid, 5_000);
    } finally {
      mon.stop();
      await lab.ip(b, ['link', 'set', 'eth0', 'up']);
    }
  });

  test('interface facts', async () => {
    await lab.ip(a, ['link', 'set', 'eth0', 'up']);
    await lab.addAddr(a, 'eth0', '10.90.0.1/24');
    await lab.addAddr(a, 'eth0', '10.90.0.9/24');
    const f = await interfaceFacts('eth0', a);
    assert.equal(f.ipv4, '10.90.0.1');
    assert.match(f.mac, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    assert.ok(f.ifindex > 0);
    assert.equal(f.ipv6Forwarding, false);
    await assert.rejects(interfaceFacts('nope0', a), InterfaceNotFoundError);
  });

  test('LinkPortAdapter (the engine port): facts and changes only', async () => {
    const port = new LinkPortAdapter(a);
    const f = await port.facts('eth0');
    assert.equal(f?.ipv4, '10.90.0.1');
    assert.equal(await port.facts('nope0'), undefined);
    const changes: string[] = [];
    const stop = port.watch((ifname, up) => changes.push(`${ifname} ${up ? 'up' : 'down'}`));
    try {
      await port.ready();
      await lab.ip(b, ['link', 'set', 'eth0', 'down']);
      await waitFor(() => changes.includes('eth0 down'), 5_000);
      // Initial states (lo up, eth0 up) are never reported, only the change.
      assert.deepEqual(changes, ['eth0 down']);
    } finally {
      stop();
    }
  });
});
