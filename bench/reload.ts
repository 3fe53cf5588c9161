// Reload bench (issue 5): a director running a 5,000-virtual_server configuration (4 real servers
// each, nft backend, in its own network namespace) next to a VRRP instance that is MASTER; one
// real server's weight changes and the daemon reloads (`ka-ts ctl reload`, SIGHUP's equivalent that
// answers once both children have applied it). Prints the time to apply as the daemon measures it
// (parse, then both children) and as the caller sees it, and the VRRP transitions seen meanwhile
// (target: under 1 s, zero transitions). Nothing polls the daemon during a reload: a 5,000-server
// status snapshot every few ms would slow down what is being measured.
//   node dist/bench/reload.js [--vs N] [--runs N] [--backend dry-run|nft] [--change weight|vs]
// --change vs: each reload adds a virtual server (odd runs) or removes it again (even runs)
// instead of changing a weight — with nft, one service's chains and one dispatch-map element.
// The default backend is dry-run, which measures ka-ts's own work (parse once, both children
// apply the difference); nft adds the kernel transaction (one service's chains for a weight
// change). For nft each reload also prints the reconciler's own line (whether it listed the table,
// how long the transaction took), and at the end what one full listing of the table costs: the
// read the drift timer makes every driftIntervalMs, which a reload no longer waits for.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { NetnsLab, isRoot, waitFor } from '../test/integration/lib/netns.js';
import { KaTsDaemon, cliPath } from '../test/integration/lib/ka-ts-daemon.js';

const run = promisify(execFile);

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

function backendArg(): string {
  const i = process.argv.indexOf('--backend');
  return i >= 0 ? String(process.argv[i + 1]) : 'dry-run';
}

function changeArg(): 'weight' | 'vs' {
  const i = process.argv.indexOf('--change');
  const v = i >= 0 ? String(process.argv[i + 1]) : 'weight';
  if (v !== 'weight' && v !== 'vs') throw new Error(`--change weight|vs, not ${v}`);
  return v;
}

function conf(vsCount: number, changedWeight: number): string {
  const parts = [`global_defs {\n  router_id BENCH\n  vrrp_garp_master_delay 0\n}\n`,
    `vrrp_instance VI_1 {\n  state MASTER\n  interface eth0\n  virtual_router_id 51\n  priority 150\n  advert_int 1\n  virtual_ipaddress {\n    10.88.0.100/24\n  }\n  notify %NOTIFY%\n}\n`];
  for (let v = 0; v < vsCount; v++) {
    const vip = `10.${100 + Math.floor(v / 250)}.${v % 250}.1`;
    let s = `virtual_server ${vip} 80 {\n  delay_loop 60\n  lb_algo wrr\n  lb_kind NAT\n  protocol TCP\n`;
    for (let r = 1; r <= 4; r++) s += `  real_server 10.200.${v % 250}.${r + 10 * Math.floor(v / 250) % 240} 80 {\n    weight ${v === 0 && r === 1 ? changedWeight : 1}\n  }\n`;
    parts.push(s + '}\n');
  }
  return parts.join('');
}

async function status(ns: string, d: KaTsDaemon): Promise<{ reloads: { total: number; failed: number; last?: { durationMs: number } } }> {
  const r = await run('ip', ['netns', 'exec', ns, process.execPath, cliPath(), 'ctl', 'status', '--json', '--control-socket', d.controlSocket], { maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(r.stdout);
}

async function main(): Promise<number> {
  if (!isRoot()) {
    process.stderr.write('bench:reload needs root (network namespaces)\n');
    return 1;
  }
  const vsCount = arg('--vs', 5000);
  const runs = arg('--runs', 3);
  const lab = new NetnsLab('bench-reload');
  let d: KaTsDaemon | undefined;
  try {
    const ns = await lab.addNs('d1');
    // No dummy module on every kernel: a veth pair whose far end stays in the same namespace.
    await lab.exec(ns, 'ip', ['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0p']);
    await lab.exec(ns, 'ip', ['link', 'set', 'eth0', 'up']);
    await lab.exec(ns, 'ip', ['link', 'set', 'eth0p', 'up']);
    await lab.addAddr(ns, 'eth0', '10.88.0.1/24');
    const backend = backendArg();
    d = KaTsDaemon.start(lab, ns, { conf: conf(vsCount, 1), flags: ['--ipvs-backend', backend] });
    const t0 = performance.now();
    await d.waitForState('VI_1', 'MASTER', 60_000);
    process.stdout.write(`${vsCount} virtual servers × 4 real servers, --ipvs-backend ${backend}: daemon up and MASTER after ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    // The first pass (adopt, then write the whole table) must be over, or the first reload waits
    // for it. Its per-change log lines come once the pass has applied (and, in builds before the
    // known-table change, read back) the table, so this also works to measure older builds.
    if (backend === 'nft') await waitFor(async () => (d!.log.some((l) => /ipvs: (pass:|-A )/.test(l)) ? true : undefined), 600_000);
    else await waitFor(async () => ((await status(ns, d!)) as unknown as { virtualServers: unknown[] }).virtualServers.length === vsCount, 60_000);
    const transitionsBefore = d.notifications().length;
    const change = changeArg();
    for (let i = 1; i <= runs; i++) {
      d.rewriteConf(change === 'vs' ? conf(vsCount + (i % 2), 1) : conf(vsCount, 1 + i));
      const applied = (): number => d!.log.filter((l) => l.includes('reload (control socket) applied')).length;
      const before = applied();
      const start = performance.now();
      let cli = 'for `ka-ts ctl reload` incl. starting the CLI';
      try {
        await run('ip', ['netns', 'exec', ns, process.execPath, cliPath(), 'ctl', 'reload', '--control-socket', d.controlSocket]);
      } catch (e) {
        // ctl waits 10 s for the reply; a slower reload still completes in the daemon, which says so.
        if (!/no reply from/.test(String(e))) throw e;
        await waitFor(() => (applied() > before ? true : undefined), 600_000);
        cli = 'until the daemon logged it (ctl gave up after its 10 s reply timeout)';
      }
      const outside = performance.now() - start;
      const st = await status(ns, d);
      const line = d.log.filter((l) => l.includes('reload (control socket) applied')).at(-1) ?? '';
      const parts = /\((parse .*)\)/.exec(line)?.[1] ?? '';
      const what = change === 'weight' ? 'one weight changed' : i % 2 ? 'one virtual server added' : 'one virtual server removed';
      process.stdout.write(`reload ${i} (${what}): applied in ${st.reloads.last?.durationMs.toFixed(0)} ms (daemon: ${parts}), ${outside.toFixed(0)} ms ${cli}; failed reloads ${st.reloads.failed}\n`);
      // The checker's line for this reload's pass (JSON or pretty log: the message ends at `"` or ` {`).
      const pass = /ipvs: pass: (.*?)(?:"| \{|$)/.exec(d.log.filter((l) => l.includes('ipvs: pass:')).at(-1) ?? '')?.[1];
      if (pass) process.stdout.write(`  ipvs: ${pass}\n`);
    }
    const transitions = d.notifications().length - transitionsBefore;
    process.stdout.write(`VRRP transitions during reloads: ${transitions} (target 0)\n`);
    if (backend === 'nft') {
      // What a full read costs (start, drift timer, after a failure): the listing ka-ts makes, and
      // the plain `nft -j list table` for comparison (it opens /etc/protocols once per rule).
      for (const flags of [['-t', '-p'], []]) {
        const t = performance.now();
        const out = await run('ip', ['netns', 'exec', ns, 'nft', ...flags, '-j', 'list', 'table', 'inet', 'kats'], { maxBuffer: 1024 * 1024 * 1024 });
        process.stdout.write(`one full read: nft ${[...flags, '-j'].join(' ')} list table inet kats: ${(performance.now() - t).toFixed(0)} ms (${(out.stdout.length / 1e6).toFixed(1)} MB of JSON)\n`);
      }
    }
    return 0;
  } finally {
    await d?.stop().catch(() => undefined);
    d?.removeFiles();
    await lab.cleanup();
  }
}

main().then((c) => process.exit(c), (e: Error) => { process.stderr.write(`${e.stack}\n`); process.exit(1); });
