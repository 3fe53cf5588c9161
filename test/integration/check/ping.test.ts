// PING_CHECK needs raw ICMP sockets (root). Loopback from the test process, then a pair of
// network namespaces: the probe runs inside one (a node child under `ip netns exec`) and pings
// the peer (reply) and an absent neighbour (timeout).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { probePing, closePingSessions } from '../../../src/check/probes/ping.js';
import { NetnsLab, rootSkipReason } from '../lib/netns.js';

const skip = rootSkipReason();

test('PING_CHECK on loopback', { skip }, async () => {
  try {
    const r = await probePing({ type: 'PING_CHECK', connect: { host: '127.0.0.1', port: 0, timeoutMs: 1000 } });
    assert.equal(r.ok, true, r.reason);
  } finally {
    closePingSessions();
  }
});

test('PING_CHECK in a namespace: peer answers, absent host times out', { skip }, async () => {
  const lab = new NetnsLab('check');
  try {
    const a = await lab.addNs('a');
    const b = await lab.addNs('b');
    await lab.veth(a, 'kta0', b, 'ktb0');
    await lab.addAddr(a, 'kta0', '10.201.0.1/24');
    await lab.addAddr(b, 'ktb0', '10.201.0.2/24');
    const mod = fileURLToPath(new URL('../../../src/check/probes/ping.js', import.meta.url));
    const script = `const { probePing, closePingSessions } = await import(${JSON.stringify(mod)});
      const c = (host) => ({ type: 'PING_CHECK', connect: { host, port: 0, timeoutMs: 700 } });
      const out = [await probePing(c('10.201.0.2')), await probePing(c('10.201.0.77'))];
      closePingSessions();
      console.log(JSON.stringify(out));`;
    const res = await lab.exec(a, process.execPath, ['--input-type=module', '-e', script]);
    const [peer, absent] = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as Array<{ ok: boolean; reason: string; latencyMs: number }>;
    assert.equal(peer!.ok, true, peer!.reason);
    assert.deepEqual([absent!.ok, absent!.reason], [false, 'timeout']);
    assert.ok(absent!.latencyMs >= 600, String(absent!.latencyMs));
  } finally {
    await lab.cleanup();
  }
});
