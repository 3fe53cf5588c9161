// Stability soak (issue 3): a ka-ts pair with VRRPv3 advert_int 0.1 runs for ten minutes while a
// CPU hog saturates a core; every state change after the initial election is spurious (nothing
// was wrong with the master). Prints the count and the advert-gap distribution seen on the wire.
//   node dist/bench/failover-soak.js [--seconds 600] [--no-hog]
import { spawn } from 'node:child_process';
import { NetnsLab, isRoot } from './failover-lab-imports.js';
import { buildDirectorLab } from '../test/integration/vrrp/director-lab.js';
import { WireWatch } from '../test/integration/vrrp/tcpdump-capture.js';
import { KaTsDaemon } from '../test/integration/lib/ka-ts-daemon.js';
import type { KaPeerInstance } from '../test/integration/lib/keepalived-peer.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const inst = (priority: number, state: 'MASTER' | 'BACKUP'): KaPeerInstance => ({
  name: 'VI_1', interface: 'eth0', vrid: 51, priority, state, advertInt: 0.1, version: 3, vips: ['10.77.0.100/24'], garpMasterDelay: 0,
});

async function main(): Promise<number> {
  if (!isRoot()) { process.stderr.write('needs root (network namespaces)\n'); return 1; }
  const seconds = Number(arg('--seconds') ?? 600);
  const lab = new NetnsLab('fosoak');
  const directors: KaTsDaemon[] = [];
  // The hog: one busy process for the whole run (on a 2-core machine, one core saturated).
  const hog = process.argv.includes('--no-hog') ? undefined : spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
  try {
    const dl = await buildDirectorLab(lab, 2);
    const wire = await WireWatch.start(lab, dl.client.ns, 'eth0');
    const a = KaTsDaemon.fromPeerSpec(lab, dl.directors[0]!.ns, { routerId: 'a', instances: [inst(150, 'MASTER')] });
    directors.push(a);
    await a.waitForState('VI_1', 'MASTER', 5000);
    const b = KaTsDaemon.fromPeerSpec(lab, dl.directors[1]!.ns, { routerId: 'b', instances: [inst(100, 'BACKUP')] });
    directors.push(b);
    await b.waitForState('VI_1', 'BACKUP', 5000);
    const settledA = a.notifications().length;
    const settledB = b.notifications().length;
    const t0 = Date.now();
    process.stderr.write(`soak: ${seconds} s, hog ${hog ? `pid ${hog.pid}` : 'off'}\n`);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const spurious = [...a.notifications().slice(settledA), ...b.notifications().slice(settledB)];
    const times = wire.adverts(51, dl.directors[0]!.mac, t0).map((f) => f.atMs);
    const gaps = times.slice(1).map((t, i) => t - times[i]!).sort((x, y) => x - y);
    const pct = (p: number): string => (gaps.length ? gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))]!.toFixed(1) : '-');
    const fromB = wire.adverts(51, dl.directors[1]!.mac, t0).length;
    console.log(`ka-ts pair, VRRPv3 advert_int 100 ms, ${seconds} s${hog ? ' with a CPU hog' : ''}`);
    console.log(`spurious state changes: ${spurious.length}${spurious.length ? ' (' + spurious.map((n) => `${n.name} ${n.state}`).join(', ') + ')' : ''}`);
    console.log(`adverts from the backup: ${fromB}`);
    console.log(`master advert gaps (ms): n=${gaps.length} p50 ${pct(0.5)} p99 ${pct(0.99)} p99.9 ${pct(0.999)} max ${gaps.length ? gaps.at(-1)!.toFixed(1) : '-'} (backup gives up after 361 ms)`);
    return 0;
  } finally {
    if (hog?.pid) try { process.kill(hog.pid, 'SIGKILL'); } catch { /* gone */ }
    for (const d of directors) { await d.stop(); d.removeFiles(); }
    await lab.cleanup();
  }
}

process.exitCode = await main();
