// End to end through the kernel's nftables NAT: client → director (ka-ts reconciler, nft backend)
// → three real HTTP servers, each in its own namespace. Traffic must spread over all three, never
// reach a removed destination, come back to it when re-added, stick to one server with
// persistence, survive someone deleting the table (drift repair), work for sh, IPv6 and fwmark
// services, and stop must remove the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processRunner } from '../../../src/ipvs/command-runner.js';
import { IpvsController } from '../../../src/ipvs/controller.js';
import { destChain } from '../../../src/ipvs/nft-ruleset.js';
import type { IpvsLogger } from '../../../src/ipvs/reconciler.js';
import { realServerKey, type RealServerHealth, type VirtualServerSpec } from '../../../src/ipvs/spec.js';
import { NetnsLab, rootSkipReason } from '../lib/netns.js';

const VIP = '192.0.2.10';
const VIP_FWMARK = '192.0.2.20';
const VIP6 = '2001:db8:2::10';
const RS = ['10.1.0.11', '10.1.0.12', '10.1.0.13'];
const RS6 = ['2001:db8:1::11', '2001:db8:1::12', '2001:db8:1::13'];

const SERVER = `require('http').createServer((q, s) => s.end(process.argv[1])).listen(8080, () => console.log('ready'))`;
// N sequential GETs, each on a new connection (a new conntrack entry, so a new scheduling decision).
const CLIENT = `const http = require('http'); const n = Number(process.argv[1]); const host = process.argv[2] || '${VIP}'; const out = [];
(async () => { for (let i = 0; i < n; i++) out.push(await new Promise((res) => {
  const q = http.get({ host, port: 80, agent: false, timeout: 3000 }, (s) => { let b = ''; s.on('data', (d) => b += d); s.on('end', () => res(b)); });
  q.on('error', (e) => res('ERR ' + e.code)); q.on('timeout', () => { q.destroy(); res('ERR timeout'); });
})); console.log(JSON.stringify(out)); })();`;

const quietLog: IpvsLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

test('nft backend: NAT load balancing over three real servers: rr spread, remove/re-add, wrr, persistence, drift repair, sh, IPv6, fwmark, release', { skip: rootSkipReason(), timeout: 120_000 }, async () => {
  const lab = new NetnsLab('ipvs');
  let ctl: IpvsController | undefined;
  try {
    const dir = await lab.addNs('dir');
    const cli = await lab.addNs('cli');
    await lab.veth(dir, 'c0', cli, 'eth0');
    await lab.addAddr(dir, 'c0', '192.0.2.1/24');
    await lab.addAddr(dir, 'c0', `${VIP}/24`);
    await lab.addAddr(dir, 'c0', `${VIP_FWMARK}/24`);
    await lab.addAddr(dir, 'c0', '2001:db8:2::1/64');
    await lab.addAddr(dir, 'c0', `${VIP6}/64`);
    await lab.addAddr(cli, 'eth0', '192.0.2.2/24');
    await lab.addAddr(cli, 'eth0', '2001:db8:2::2/64');
    await lab.bridge(dir, 'br0');
    await lab.addAddr(dir, 'br0', '10.1.0.1/24');
    await lab.addAddr(dir, 'br0', '2001:db8:1::1/64');
    await lab.exec(dir, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
    for (const [i, addr] of RS.entries()) {
      const ns = await lab.addNs(`rs${i + 1}`);
      await lab.plugIntoBridge(ns, 'eth0', dir, 'br0', `p${i + 1}`);
      await lab.addAddr(ns, 'eth0', `${addr}/24`);
      await lab.ip(ns, ['route', 'add', 'default', 'via', '10.1.0.1']);
      await lab.addAddr(ns, 'eth0', `${RS6[i]}/64`);
      await lab.ip(ns, ['-6', 'route', 'add', 'default', 'via', '2001:db8:1::1']);
      const p = lab.spawn(ns, process.execPath, ['-e', SERVER, `rs${i + 1}`]);
      await new Promise<void>((resolve, reject) => {
        p.stdout?.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); });
        p.once('exit', (code) => reject(new Error(`server rs${i + 1} exited ${code}`)));
      });
    }

    const get = async (n: number, host = VIP): Promise<string[]> => JSON.parse((await lab.exec(cli, process.execPath, ['-e', CLIENT, String(n), host])).stdout) as string[];
    const count = (xs: string[]) => { if (process.env.KATS_DEBUG) console.log(xs.join(' ')); return xs.reduce<Record<string, number>>((m, x) => ({ ...m, [x]: (m[x] ?? 0) + 1 }), {}); };

    const spec = (opts: { persistence?: number; scheduler?: 'rr' | 'wrr' | 'sh'; weights?: number[] } = {}): VirtualServerSpec => ({
      id: 'web', target: { kind: 'addr', address: VIP, port: 80 }, protocol: 'tcp', scheduler: opts.scheduler ?? 'rr',
      ...(opts.persistence ? { persistence: { timeout: opts.persistence } } : {}),
      realServers: RS.map((address, i) => ({ address, port: 8080, weight: opts.weights?.[i] ?? 1, method: 'masq' as const })),
    });
    const down = (...addrs: string[]) => new Map<string, RealServerHealth>(addrs.map((a) => [realServerKey('web', { address: a, port: 8080 }), { alive: false }]));

    ctl = await IpvsController.create({ backend: 'nft', run: processRunner(['ip', 'netns', 'exec', dir]), log: quietLog, driftIntervalMs: 0 });
    assert.equal(ctl.backendName, 'nft');
    const first = await ctl.start({ virtualServers: [spec()] });
    assert.deepEqual(first.outcomes.filter((o) => o.status !== 'ok'), []);

    // 1. spread over all three
    let seen = count(await get(30));
    assert.deepEqual(Object.keys(seen).sort(), ['rs1', 'rs2', 'rs3'], JSON.stringify(seen));
    for (const k of ['rs1', 'rs2', 'rs3']) assert.ok((seen[k] ?? 0) >= 5, `rr gives each server a share: ${JSON.stringify(seen)}`);

    // 2. rs2 marked down by the checker: no request fails, none reaches it
    await ctl.update({ health: down(RS[1] as string) });
    seen = count(await get(20));
    assert.deepEqual(Object.keys(seen).sort(), ['rs1', 'rs3'], JSON.stringify(seen));

    // 2b. every server down: the empty service refuses at once (the director owns the VIP)
    await ctl.update({ health: down(...RS) });
    assert.deepEqual(await get(2), ['ERR ECONNREFUSED', 'ERR ECONNREFUSED']);

    // 3. back up: it gets traffic again
    await ctl.update({ health: down() });
    seen = count(await get(30));
    assert.ok((seen.rs2 ?? 0) >= 5, JSON.stringify(seen));

    // 4. wrr weights 1:2:3 → shares 5:10:15 of 30 new connections
    await ctl.update({ virtualServers: [spec({ scheduler: 'wrr', weights: [1, 2, 3] })] });
    seen = count(await get(30));
    assert.ok((seen.rs1 ?? 0) < (seen.rs2 ?? 0) && (seen.rs2 ?? 0) < (seen.rs3 ?? 0) && (seen.rs3 ?? 0) >= 12, `wrr 1:2:3 ${JSON.stringify(seen)}`);

    // 5. persistence: every connection of this client goes to one server
    await ctl.update({ virtualServers: [spec({ persistence: 300 })] });
    seen = count(await get(12));
    assert.equal(Object.keys(seen).length, 1, `persistent: ${JSON.stringify(seen)}`);
    await ctl.update({ virtualServers: [spec()] });

    // 6. drift: the table is deleted behind ka-ts's back; the next pass restores it
    await lab.exec(dir, 'nft', ['delete', 'table', 'inet', 'kats']);
    assert.match((await get(1))[0] ?? '', /^ERR/, 'without the table the VIP has no listener');
    let repair = await ctl.reconcileNow();
    assert.equal(repair.drift, true);
    seen = count(await get(6));
    assert.ok(!Object.keys(seen).some((k) => k.startsWith('ERR')), JSON.stringify(seen));

    // 7. a destination chain emptied by hand no longer matches its comment: read back as missing, rewritten
    await lab.exec(dir, 'nft', ['flush', 'chain', 'inet', 'kats', destChain(`-t ${VIP}:80`, `${RS[0]}:8080`)]);
    repair = await ctl.reconcileNow();
    assert.equal(repair.drift, true);
    assert.deepEqual(repair.changes.map((c) => c.op), ['add-dest']);
    seen = count(await get(9));
    assert.deepEqual(Object.keys(seen).sort(), ['rs1', 'rs2', 'rs3'], JSON.stringify(seen));
    assert.ok(ctl.stats.driftRepairs >= 2);

    // 8. more services at once: sh (one client → one server), IPv6, and a fwmark service (mark set
    //    by the operator's own nftables table, as with iptables -j MARK in front of keepalived)
    await lab.exec(dir, 'nft', ['add table ip operator']);
    await lab.exec(dir, 'nft', ['add chain ip operator pre { type filter hook prerouting priority mangle; }']);
    await lab.exec(dir, 'nft', [`add rule ip operator pre ip daddr ${VIP_FWMARK} tcp dport 80 meta mark set 7`]);
    const web6: VirtualServerSpec = { id: 'web6', target: { kind: 'addr', address: VIP6, port: 80 }, protocol: 'tcp', scheduler: 'rr', realServers: RS6.map((address) => ({ address, port: 8080, weight: 1, method: 'masq' as const })) };
    const fwm: VirtualServerSpec = { id: 'fwm', target: { kind: 'fwmark', fwmark: 7 }, protocol: 'tcp', scheduler: 'rr', realServers: RS.map((address) => ({ address, port: 8080, weight: 1, method: 'masq' as const })) };
    const many = await ctl.update({ virtualServers: [spec({ scheduler: 'sh' }), web6, fwm] });
    assert.deepEqual(many.outcomes.filter((o) => o.status !== 'ok'), []);
    seen = count(await get(10));
    assert.equal(Object.keys(seen).length, 1, `sh maps one client to one server: ${JSON.stringify(seen)}`);
    assert.ok(!Object.keys(seen)[0]?.startsWith('ERR'), JSON.stringify(seen));
    seen = count(await get(9, VIP6));
    assert.deepEqual(Object.keys(seen).sort(), ['rs1', 'rs2', 'rs3'], `IPv6: ${JSON.stringify(seen)}`);
    seen = count(await get(9, VIP_FWMARK));
    assert.deepEqual(Object.keys(seen).sort(), ['rs1', 'rs2', 'rs3'], `fwmark: ${JSON.stringify(seen)}`);

    // 9. stop releases: the owned table is gone
    await ctl.stop();
    ctl = undefined;
    const listed = await lab.exec(dir, 'nft', ['list', 'table', 'inet', 'kats'], true);
    assert.notEqual(listed.code, 0, 'table removed on stop');
  } finally {
    await ctl?.stop();
    await lab.cleanup();
  }
});
