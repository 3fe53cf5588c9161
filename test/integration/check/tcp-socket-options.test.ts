// TCP_CHECK fwmark and bind_if (keepalived's SO_MARK / SO_BINDTODEVICE on the check socket), in a
// namespace of the test's own: nftables counts the SYNs that carry the mark, and a check bound to
// an interface with no route to the server fails while the same check bound to lo passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { NetnsLab, rootSkipReason } from '../lib/netns.js';

const skip = rootSkipReason();
const PORT = 18558;

test('TCP_CHECK fwmark marks the check\'s packets and bind_if binds its socket; neither leaks into other checks', { skip }, async () => {
  const lab = new NetnsLab('tcpopts');
  try {
    const ns = await lab.addNs('a');
    // An interface that is up but has no route to 127.0.0.1.
    await lab.exec(ns, 'ip', ['link', 'add', 'kto0', 'type', 'veth', 'peer', 'name', 'kto1']);
    await lab.exec(ns, 'ip', ['link', 'set', 'kto0', 'up']);
    await lab.exec(ns, 'ip', ['link', 'set', 'kto1', 'up']);
    await lab.exec(ns, 'nft', [`add table inet kt; add chain inet kt out { type filter hook output priority 0; }; add rule inet kt out meta mark 42 tcp dport ${PORT} tcp flags & (syn | ack) == syn counter comment "marked"; add rule inet kt out meta mark 0 tcp dport ${PORT} tcp flags & (syn | ack) == syn counter comment "unmarked"`]);
    const tcp = fileURLToPath(new URL('../../../src/check/probes/tcp.js', import.meta.url));
    const script = `import net from 'node:net';
      const { probeTcpNative } = await import(${JSON.stringify(tcp)});
      const srv = net.createServer((c) => { c.on('error', () => {}); });
      await new Promise((r) => srv.listen(${PORT}, '127.0.0.1', r));
      const check = async (extra) => { const r = await probeTcpNative({ type: 'TCP_CHECK', connect: { host: '127.0.0.1', port: ${PORT}, timeoutMs: 500, ...extra } }); return [r.ok, r.reason]; };
      const out = {
        marked: [await check({ fwmark: 42 }), await check({ fwmark: 42 }), await check({ fwmark: 42 })],
        plain: [await check({}), await check({})],
        lo: await check({ bindIf: 'lo' }),
        elsewhere: await check({ bindIf: 'kto0' }),
        nosuch: await check({ bindIf: 'nosuch0' }),
        after: await check({}),
      };
      srv.close();
      console.log(JSON.stringify(out));`;
    const res = await lab.exec(ns, process.execPath, ['--input-type=module', '-e', script]);
    const out = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    const ok = [true, 'connected'];
    assert.deepEqual(out.marked, [ok, ok, ok]);
    assert.deepEqual(out.plain, [ok, ok]);
    assert.deepEqual(out.lo, ok, 'bound to lo, the route to 127.0.0.1');
    assert.equal((out.elsewhere as [boolean, string])[0], false, `bound to an interface without that route: ${JSON.stringify(out.elsewhere)}`);
    assert.deepEqual(out.nosuch, [false, 'ENODEV: connect: ENODEV'], 'no such interface fails the check, as keepalived\'s setsockopt failure does');
    assert.deepEqual(out.after, ok, 'a plain check after them is neither marked nor bound');

    const listed = JSON.parse((await lab.exec(ns, 'nft', ['-j', 'list', 'table', 'inet', 'kt'])).stdout) as { nftables: Array<{ rule?: { comment?: string; expr: Array<Record<string, unknown>> } }> };
    const packets = Object.fromEntries(listed.nftables.filter((i) => i.rule?.comment).map((i) => [i.rule!.comment!, (i.rule!.expr.find((e) => e['counter'])!['counter'] as { packets: number }).packets]));
    // Unmarked SYNs: the two plain checks, lo, the failed kto0 attempt (its SYN is sent, unanswered) and the last one.
    assert.equal(packets.marked, 3, 'exactly the three marked checks\' SYNs carry mark 42');
    assert.ok((packets.unmarked ?? 0) >= 4, `the other checks' SYNs are unmarked (${packets.unmarked})`);
  } finally {
    await lab.cleanup();
  }
});
