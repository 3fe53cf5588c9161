// bindto / bind_port on the wire: each TCP_CHECK path (native prober, Node's TCP handle,
// net.Socket) connects from the configured source address and port. Counted by nftables rules in
// a namespace of the test's own (the server cannot tell: the check's RST may beat its accept).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { NetnsLab, rootSkipReason } from '../lib/netns.js';

const skip = rootSkipReason();
const PATHS = [['probeTcpNative', 31001], ['probeTcpHandle', 31002], ['probeTcpSocket', 31003]] as const;

test('TCP_CHECK bindto and bind_port: the SYN leaves from that address and port, on every path', { skip }, async () => {
  const lab = new NetnsLab('tcpbind');
  try {
    const ns = await lab.addNs('a');
    const rules = PATHS.map(([, port]) => `add rule inet kt out ip saddr 127.0.0.2 tcp sport ${port} tcp dport 18555 tcp flags syn counter`).join('; ');
    await lab.exec(ns, 'nft', [`add table inet kt; add chain inet kt out { type filter hook output priority 0; }; ${rules}`]);
    const mod = fileURLToPath(new URL('../../../src/check/probes/tcp.js', import.meta.url));
    const script = `import net from 'node:net';
      const probes = await import(${JSON.stringify(mod)});
      const srv = net.createServer((c) => { c.on('error', () => {}); c.end(); });
      await new Promise((r) => srv.listen(18555, '127.0.0.1', r));
      const out = {};
      for (const [fn, port] of ${JSON.stringify(PATHS)}) {
        out[fn] = await probes[fn]({ type: 'TCP_CHECK', connect: { host: '127.0.0.1', port: 18555, bindTo: '127.0.0.2', bindPort: port, timeoutMs: 1000 } });
      }
      srv.close();
      console.log(JSON.stringify(out));`;
    const res = await lab.exec(ns, process.execPath, ['--input-type=module', '-e', script]);
    const out = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as Record<string, { ok: boolean; reason: string }>;
    for (const [fn] of PATHS) assert.equal(out[fn]?.ok, true, `${fn}: ${out[fn]?.reason}`);
    const listed = JSON.parse((await lab.exec(ns, 'nft', ['-j', 'list', 'table', 'inet', 'kt'])).stdout) as { nftables: Array<{ rule?: { expr: Array<Record<string, unknown>> } }> };
    const packetsBySport = new Map<number, number>();
    for (const item of listed.nftables) {
      if (!item.rule) continue;
      const sport = item.rule.expr.map((e) => (e['match'] as { left?: { payload?: { field?: string } }; right?: unknown } | undefined)).find((m) => m?.left?.payload?.field === 'sport')?.right as number;
      const counter = item.rule.expr.find((e) => e['counter'])?.['counter'] as { packets: number };
      packetsBySport.set(sport, counter.packets);
    }
    assert.deepEqual(PATHS.map(([fn, port]) => [fn, packetsBySport.get(port)]), PATHS.map(([fn]) => [fn, 1]));
  } finally {
    await lab.cleanup();
  }
});
