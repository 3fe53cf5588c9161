// TCP_CHECK through the native prober on the wire, as keepalived's check_tcp sends it: per check a
// SYN, the handshake's ACK and a RST, never a FIN — also when the prober reuses one disconnected
// socket for check after check (tcp_prober.cc). Counted by nftables rules in a namespace of the
// test's own, on the checker's side of the connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { NetnsLab, rootSkipReason } from '../lib/netns.js';

const skip = rootSkipReason();
const UP = 18556;
const DOWN = 18557;
const CHECKS = 30;

test('native TCP_CHECK sends SYN, ACK, RST per check and no FIN, on reused sockets too', { skip }, async () => {
  const lab = new NetnsLab('tcpwire');
  try {
    const ns = await lab.addNs('a');
    const counted: Array<[string, string]> = [
      ['syn', 'tcp flags & (syn | ack) == syn'],
      ['ack', 'tcp flags == ack'],
      ['rst', 'tcp flags & rst == rst'],
      ['fin', 'tcp flags & fin == fin'],
    ];
    const rules = counted.flatMap(([name, match]) => [UP, DOWN].map((port) => `add rule inet kt out tcp dport ${port} ${match} counter comment "${name}-${port}"`)).join('; ');
    await lab.exec(ns, 'nft', [`add table inet kt; add chain inet kt out { type filter hook output priority 0; }; ${rules}`]);
    const tcp = fileURLToPath(new URL('../../../src/check/probes/tcp.js', import.meta.url));
    const native = fileURLToPath(new URL('../../../src/check/probes/tcp-native.js', import.meta.url));
    const script = `import net from 'node:net';
      const { probeTcpNative } = await import(${JSON.stringify(tcp)});
      const { tcpNativeIdleSockets } = await import(${JSON.stringify(native)});
      const srv = net.createServer((c) => { c.on('error', () => {}); });
      await new Promise((r) => srv.listen(${UP}, '127.0.0.1', r));
      const verdicts = [];
      for (let i = 0; i < ${CHECKS}; i++) {
        const port = i % 3 === 2 ? ${DOWN} : ${UP};
        verdicts.push((await probeTcpNative({ type: 'TCP_CHECK', connect: { host: '127.0.0.1', port, timeoutMs: 1000 } })).ok);
      }
      srv.close();
      console.log(JSON.stringify({ verdicts, idle: tcpNativeIdleSockets() }));`;
    const res = await lab.exec(ns, process.execPath, ['--input-type=module', '-e', script]);
    const out = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as { verdicts: boolean[]; idle: number };
    assert.deepEqual(out.verdicts, Array.from({ length: CHECKS }, (_, i) => i % 3 !== 2));
    assert.equal(out.idle, 1, 'one socket served every check, one after the other');

    const listed = JSON.parse((await lab.exec(ns, 'nft', ['-j', 'list', 'table', 'inet', 'kt'])).stdout) as { nftables: Array<{ rule?: { comment?: string; expr: Array<Record<string, unknown>> } }> };
    const packets = new Map<string, number>();
    for (const item of listed.nftables) {
      if (!item.rule?.comment) continue;
      const counter = item.rule.expr.find((e) => e['counter'])?.['counter'] as { packets: number };
      packets.set(item.rule.comment, counter.packets);
    }
    const up = CHECKS - CHECKS / 3;
    const down = CHECKS / 3;
    // Towards the listener: SYN, ACK, RST per check. Towards the closed port: the SYN only (the
    // kernel answers it with a RST; the checker sends nothing more).
    assert.deepEqual(Object.fromEntries([...packets].sort()), {
      [`ack-${DOWN}`]: 0, [`ack-${UP}`]: up,
      [`fin-${DOWN}`]: 0, [`fin-${UP}`]: 0,
      [`rst-${DOWN}`]: 0, [`rst-${UP}`]: up,
      [`syn-${DOWN}`]: down, [`syn-${UP}`]: up,
    });
  } finally {
    await lab.cleanup();
  }
});
