// Failover bench (issue 3): for a ka-ts pair and a keepalived pair in the same run, with
// advert_int 1 (VRRPv2) and 0.1 (VRRPv3), five times each: the master is killed (SIGKILL), stopped
// (SIGTERM) or loses its link, and we measure, from the fault, the time to
//   - the new master's first advert on the wire (tcpdump on the client),
//   - the VIP being present on the new master (ip monitor in its namespace),
//   - the client's ping of the VIP being answered by the new master (tcpdump, by source MAC),
// and print the medians beside the protocol's value: 3 × advert_int + skew for a lost master,
// skew alone after a priority-0 advert (graceful stop).
//   node dist/bench/failover.js [--runs N] [--only keepalived|ka-ts] [--timing v2|v3]
import { NetnsLab, isRoot, waitFor, nsHasAddress } from './failover-lab-imports.js';
import { buildDirectorLab, setDirectorLink, type DirectorLab } from '../test/integration/vrrp/director-lab.js';
import { WireWatch } from '../test/integration/vrrp/tcpdump-capture.js';
import { AddressWatch } from './failover-address-watch.js';
import { keepalivedKind, VIP, VRID, type DirectorHandle, type DirectorKind, type Timing } from './failover-directors.js';
import { kaTsKind } from './failover-ka-ts.js';

type Fault = 'sigkill' | 'sigterm' | 'link-down';
const FAULTS: Fault[] = ['sigkill', 'sigterm', 'link-down'];
const MASTER_PRIO = 150;
const BACKUP_PRIO = 100;

/** advertFromLastMs: from the old master's last advert before the fault to the new master's first —
 * the interval the protocol defines (the fault itself lands 0..advert_int after that last advert). */
interface Sample { advertMs: number; vipMs: number; clientMs: number; advertFromLastMs: number }

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** keepalived's figures for the backup (priority BACKUP_PRIO): skew and master-down interval, in ms. */
function theory(t: Timing): { skewMs: number; downMs: number } {
  const skewMs = t.version === 2 ? ((256 - BACKUP_PRIO) / 256) * 1000 : ((256 - BACKUP_PRIO) * t.advertInt * 1000) / 256;
  return { skewMs, downMs: 3 * t.advertInt * 1000 + skewMs };
}

class PairRun {
  private a: DirectorHandle | undefined;
  private b: DirectorHandle | undefined;
  constructor(
    private readonly kind: DirectorKind,
    private readonly timing: Timing,
    private readonly dl: DirectorLab,
    private readonly wire: WireWatch,
    private readonly vipWatch: AddressWatch,
  ) {}

  private get d1() { return this.dl.directors[0]!; }
  private get d2() { return this.dl.directors[1]!; }
  private get settleMs(): number { return 10 * this.timing.advertInt * 1000 + 8000; }

  async startA(): Promise<void> {
    this.a = await this.kind.start(this.dl.lab, this.d1.ns, { routerId: 'dirA', priority: MASTER_PRIO, state: 'MASTER' }, this.timing);
  }

  async startB(): Promise<void> {
    this.b = await this.kind.start(this.dl.lab, this.d2.ns, { routerId: 'dirB', priority: BACKUP_PRIO, state: 'BACKUP' }, this.timing);
  }

  /** A holds the VIP, B does not, and the client gets answers from A. */
  async waitAMaster(): Promise<void> {
    const since = Date.now();
    await waitFor(async () => (await nsHasAddress(this.dl.lab, this.d1.ns, VIP)) && !(await nsHasAddress(this.dl.lab, this.d2.ns, VIP))
      && this.wire.echoReplies(this.d1.mac, since).length > 0, this.settleMs, 20)
      .catch(() => { throw new Error(`${this.kind.name}: director A did not become master\nA:\n${this.a?.logTail()}\nB:\n${this.b?.logTail()}`); });
  }

  async once(fault: Fault): Promise<Sample> {
    await this.waitAMaster();
    // Let a few adverts pass so the backup's timers are in their steady state.
    await new Promise((r) => setTimeout(r, 3 * this.timing.advertInt * 1000));
    const t0 = Date.now();
    let stopping: Promise<void> | undefined;
    if (fault === 'sigkill') this.a!.crash();
    else if (fault === 'sigterm') stopping = this.a!.stop();
    else await setDirectorLink(this.dl, 0, false);
    const d2 = this.d2;
    const got = await waitFor(() => {
      const advert = this.wire.adverts(VRID, d2.mac, t0).find((f) => (f.priority ?? 0) > 0)?.atMs;
      const vip = this.vipWatch.firstAdded(VIP, t0);
      const client = this.wire.echoReplies(d2.mac, t0)[0]?.atMs;
      return advert !== undefined && vip !== undefined && client !== undefined ? { advert, vip, client } : undefined;
    }, this.settleMs, 5).catch(() => { throw new Error(`${this.kind.name} ${fault}: backup did not take over\nB:\n${this.b?.logTail()}`); });
    await stopping;
    // Restore A as master for the next round.
    if (fault === 'link-down') {
      await setDirectorLink(this.dl, 0, true);
    } else {
      await this.a!.stop();
      // After a crash the dead daemon's VIP is still in the kernel; a restarted daemon removes
      // stale VIPs itself, but the client must not reach A before it is master again.
      await this.dl.lab.ip(this.d1.ns, ['addr', 'del', `${VIP}/24`, 'dev', 'eth0']).catch(() => undefined);
      await this.startA();
    }
    // For a graceful stop the protocol's clock starts at the priority-0 advert; otherwise at the
    // old master's last advert before the fault.
    const lastA = fault === 'sigterm'
      ? this.wire.adverts(VRID, this.d1.mac, t0).find((f) => f.priority === 0)?.atMs ?? t0
      : this.wire.adverts(VRID, this.d1.mac).filter((f) => f.atMs < t0).at(-1)?.atMs ?? t0;
    return { advertMs: got.advert - t0, vipMs: got.vip - t0, clientMs: got.client - t0, advertFromLastMs: got.advert - lastA };
  }

  async stopAll(): Promise<void> {
    await this.a?.stop();
    await this.b?.stop();
  }
}

async function benchKind(kind: DirectorKind, timing: Timing, runs: number): Promise<Map<Fault, Sample[]>> {
  const lab = new NetnsLab('fobench');
  const out = new Map<Fault, Sample[]>();
  let pair: PairRun | undefined;
  try {
    const dl = await buildDirectorLab(lab, 2);
    const wire = await WireWatch.start(lab, dl.client.ns, 'eth0', true);
    const vipWatch = AddressWatch.start(lab, dl.directors[1]!.ns);
    lab.spawn(dl.client.ns, 'ping', ['-n', '-q', '-i', '0.01', VIP]);
    pair = new PairRun(kind, timing, dl, wire, vipWatch);
    await pair.startA();
    await pair.startB();
    for (const fault of FAULTS) {
      const samples: Sample[] = [];
      for (let i = 0; i < runs; i++) samples.push(await pair.once(fault));
      out.set(fault, samples);
      process.stderr.write(`  ${kind.name} v${timing.version} ${fault}: ${samples.map((s) => s.advertMs.toFixed(0)).join(' ')} ms to first advert\n`);
    }
  } finally {
    await pair?.stopAll().catch(() => undefined);
    await lab.cleanup();
  }
  return out;
}

async function main(): Promise<number> {
  if (!isRoot()) {
    process.stderr.write('bench:failover needs root (network namespaces)\n');
    return 1;
  }
  const runs = Number(arg('--runs') ?? 5);
  const only = arg('--only');
  const timingArg = arg('--timing');
  const timings: Timing[] = [{ version: 2, advertInt: 1 }, { version: 3, advertInt: 0.1 }]
    .filter((t) => !timingArg || timingArg === `v${t.version}`) as Timing[];
  const kinds = [kaTsKind, keepalivedKind].filter((k) => !only || k.name === only);
  const fmt = (n: number): string => n.toFixed(0).padStart(7);
  for (const timing of timings) {
    const th = theory(timing);
    const results = new Map<string, Map<Fault, Sample[]>>();
    for (const kind of kinds) results.set(kind.name, await benchKind(kind, timing, runs));
    console.log('(advert, VIP, client: ms from the fault; lastadv: ms from the old master\'s last advert before the fault — for sigterm its priority-0 advert — to the new master\'s first)');
    console.log(`\nVRRPv${timing.version} advert_int ${timing.advertInt}s, backup priority ${BACKUP_PRIO}: theory master-down ${th.downMs.toFixed(0)} ms (3×advert_int+skew), skew ${th.skewMs.toFixed(0)} ms; medians of ${runs} runs, ms from fault`);
    console.log(`${'fault'.padEnd(10)} ${'director'.padEnd(11)} ${'advert'.padStart(7)} ${'VIP'.padStart(7)} ${'client'.padStart(7)} ${'lastadv'.padStart(7)} ${'theory'.padStart(7)} ${'lastadv/theory'.padStart(14)}`);
    for (const fault of FAULTS) {
      const expect = fault === 'sigterm' ? th.skewMs : th.downMs;
      for (const [name, byFault] of results) {
        const s = byFault.get(fault) ?? [];
        const adv = median(s.map((x) => x.advertMs));
        const fromLast = median(s.map((x) => x.advertFromLastMs));
        console.log(`${fault.padEnd(10)} ${name.padEnd(11)} ${fmt(adv)} ${fmt(median(s.map((x) => x.vipMs)))} ${fmt(median(s.map((x) => x.clientMs)))} ${fmt(fromLast)} ${fmt(expect)} ${(fromLast / expect).toFixed(3).padStart(14)}`);
      }
    }
  }
  return 0;
}

process.exitCode = await main();
