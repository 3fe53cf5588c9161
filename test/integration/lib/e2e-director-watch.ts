// What the e2e tests look at on a director: the daemon's own view (`ka-ts ctl status --json`,
// as an operator would ask it), the data plane it programmed (the nft table it owns), and a SYN
// counter for the VIP in a separate operator table (which director the client's connections
// actually reach; it never touches ka-ts's table).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cliPath, type KaTsDaemon } from './ka-ts-daemon.js';
import type { NetnsLab } from './netns.js';
import { waitFor } from './netns.js';

const run = promisify(execFile);

interface RealServerStatus { address: string; port: number; alive: boolean; inTable: boolean }
interface StatusJson { virtualServers?: Array<{ realServers?: RealServerStatus[] }> }

/** `ka-ts ctl status --json` against the daemon's control socket (a filesystem path: no netns needed). */
export async function ctlStatus(d: KaTsDaemon): Promise<StatusJson> {
  const r = await run(process.execPath, [cliPath(), 'ctl', 'status', '--json', '--control-socket', d.controlSocket], { timeout: 10_000 });
  return JSON.parse(r.stdout) as StatusJson;
}

/** The daemon's `alive` for the real server at `address`, or undefined when the status has none. */
export async function realServerAlive(d: KaTsDaemon, address: string): Promise<boolean | undefined> {
  const st = await ctlStatus(d).catch(() => undefined);
  return st?.virtualServers?.[0]?.realServers?.find((r) => r.address === address)?.alive;
}

/** Waits until `ctl status` reports `alive === want` for `address`; returns the wall-clock ms it was seen. */
export async function waitRealServerAlive(d: KaTsDaemon, address: string, want: boolean, timeoutMs: number): Promise<number> {
  try {
    await waitFor(async () => (await realServerAlive(d, address)) === want, timeoutMs, 100);
  } catch {
    throw new Error(`ka-ts status: ${address} not alive=${want} within ${timeoutMs} ms; daemon log tail:\n${d.log.slice(-15).join('\n')}`);
  }
  return Date.now();
}

/** Destinations (addr:port) the director's nft table DNATs to, read from the kernel. */
export async function nftDestinations(lab: NetnsLab, ns: string): Promise<string[]> {
  const r = await lab.exec(ns, 'nft', ['list', 'table', 'inet', 'kats'], true);
  if (r.code !== 0) return [];
  return [...r.stdout.matchAll(/dnat ip to ([\d.]+:\d+)/g)].map((m) => m[1]!).sort();
}

const WITNESS = 'e2e_witness';

/** Counts TCP SYNs for vip:port arriving at the director, in a table of its own, before any NAT. */
export async function installSynCounter(lab: NetnsLab, ns: string, vip: string, port: number): Promise<void> {
  await lab.exec(ns, 'nft', [`add table ip ${WITNESS}`]);
  await lab.exec(ns, 'nft', [`add chain ip ${WITNESS} pre { type filter hook prerouting priority raw; }`]);
  await lab.exec(ns, 'nft', [`add rule ip ${WITNESS} pre ip daddr ${vip} tcp dport ${port} tcp flags & (syn | ack) == syn counter`]);
}

export async function readSynCounter(lab: NetnsLab, ns: string): Promise<number> {
  const r = await lab.exec(ns, 'nft', ['list', 'chain', 'ip', WITNESS, 'pre']);
  const m = /counter packets (\d+)/.exec(r.stdout);
  if (!m) throw new Error(`no SYN counter in ${ns}: ${r.stdout}`);
  return Number(m[1]);
}
