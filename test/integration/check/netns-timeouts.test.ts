// Connect timeouts need a peer that silently drops packets, which loopback cannot give: a pair
// of namespaces where the far side drops everything with nftables. The probes run inside the
// near namespace (a node child under `ip netns exec`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { NetnsLab, rootSkipReason } from '../lib/netns.js';

const skip = rootSkipReason();

test('TCP_CHECK times out after connect_timeout against a host that drops SYNs', { skip }, async () => {
  const lab = new NetnsLab('check');
  try {
    const a = await lab.addNs('a');
    const b = await lab.addNs('b');
    await lab.veth(a, 'kta0', b, 'ktb0');
    await lab.addAddr(a, 'kta0', '10.202.0.1/24');
    await lab.addAddr(b, 'ktb0', '10.202.0.2/24');
    await lab.exec(b, 'nft', ['add table inet kt; add chain inet kt in { type filter hook input priority 0; policy drop; }']);
    const mod = fileURLToPath(new URL('../../../src/check/probe.js', import.meta.url));
    const tcpMod = fileURLToPath(new URL('../../../src/check/probes/tcp.js', import.meta.url));
    // Top-level await: the script only finishes if a pending check keeps the process alive.
    const script = `const { runProbe } = await import(${JSON.stringify(mod)});
      const tcpPaths = await import(${JSON.stringify(tcpMod)});
      const connect = { host: '10.202.0.2', port: 80, timeoutMs: 700 };
      const out = [await runProbe({ type: 'TCP_CHECK', connect }, 1),
                   await runProbe({ type: 'UDP_CHECK', connect, requireReply: false, minReplyLength: 0, maxReplyLength: 255 }, 1),
                   await runProbe({ type: 'UDP_CHECK', connect, requireReply: true, minReplyLength: 0, maxReplyLength: 255 }, 1),
                   ...(await Promise.all([tcpPaths.probeTcpNative, tcpPaths.probeTcpHandle, tcpPaths.probeTcpSocket].map((p) => p({ type: 'TCP_CHECK', connect }))))];
      console.log(JSON.stringify(out));`;
    const res = await lab.exec(a, process.execPath, ['--input-type=module', '-e', script]);
    const [tcp, udpQuiet, udpNeedReply, ...paths] = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as Array<{ ok: boolean; reason: string; latencyMs: number }>;
    for (const r of [tcp!, ...paths]) {
      assert.deepEqual([r.ok, r.reason], [false, 'timeout']);
      assert.ok(r.latencyMs >= 650 && r.latencyMs < 3000, String(r.latencyMs));
    }
    assert.equal(paths.length, 3);
    assert.equal(udpQuiet!.ok, true, 'a silent UDP port is up unless a reply is required (keepalived)');
    assert.deepEqual([udpNeedReply!.ok, udpNeedReply!.reason], [false, 'timeout waiting for reply']);
  } finally {
    await lab.cleanup();
  }
});
