// The LVS-NAT topology of the LVS how-to, in network namespaces: a client on the front network,
// N directors with eth0 on the front and eth1 on the back network, and three real servers on the
// back network whose default gateway is the directors' floating DIP. Each real server is a node
// HTTP server in its own namespace that answers every request with its name, started and killed
// by PID so a test can take one away and bring it back.
import type { ChildProcess } from 'node:child_process';
import type { NetnsLab } from './netns.js';

export const FRONT_NET = '10.79.0';
export const BACK_NET = '10.79.1';
/** Virtual service address on the front network (held by the MASTER director). */
export const VIP = `${FRONT_NET}.100`;
/** Floating director address on the back network: the real servers' default gateway. */
export const DIP = `${BACK_NET}.254`;
export const CLIENT_ADDR = `${FRONT_NET}.200`;
export const RS_PORT = 8080;
export const VIP_PORT = 80;

export interface DirectorNode {
  ns: string;
  frontAddr: string;
  backAddr: string;
}

export interface RealServerNode {
  name: string;
  ns: string;
  address: string;
  process?: ChildProcess;
}

export interface E2eTopology {
  lab: NetnsLab;
  client: string;
  directors: DirectorNode[];
  realServers: RealServerNode[];
}

// Prints "ready" once listening so the test knows the server is up before relying on it.
const SERVER = `require('http').createServer((q, s) => s.end(process.argv[1])).listen(${RS_PORT}, () => console.log('ready'))`;

/** Builds the namespaces and links; real servers are not started yet (see startRealServer). */
export async function buildE2eTopology(lab: NetnsLab, directorCount: number): Promise<E2eTopology> {
  const front = await lab.addNs('fsw');
  const back = await lab.addNs('bsw');
  await lab.bridge(front, 'br0');
  await lab.bridge(back, 'br0');

  const client = await lab.addNs('cli');
  await lab.plugIntoBridge(client, 'eth0', front, 'br0', 'p-cli');
  await lab.addAddr(client, 'eth0', `${CLIENT_ADDR}/24`);

  const directors: DirectorNode[] = [];
  for (let i = 1; i <= directorCount; i++) {
    const ns = await lab.addNs(`d${i}`);
    await lab.plugIntoBridge(ns, 'eth0', front, 'br0', `p-d${i}f`);
    await lab.plugIntoBridge(ns, 'eth1', back, 'br0', `p-d${i}b`);
    const frontAddr = `${FRONT_NET}.${i}`;
    const backAddr = `${BACK_NET}.${i}`;
    await lab.addAddr(ns, 'eth0', `${frontAddr}/24`);
    await lab.addAddr(ns, 'eth1', `${backAddr}/24`);
    // A NAT director routes the real servers' replies back to the client.
    await lab.exec(ns, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
    directors.push({ ns, frontAddr, backAddr });
  }

  const realServers: RealServerNode[] = [];
  for (let i = 1; i <= 3; i++) {
    const ns = await lab.addNs(`rs${i}`);
    await lab.plugIntoBridge(ns, 'eth0', back, 'br0', `p-rs${i}`);
    const address = `${BACK_NET}.${10 + i}`;
    await lab.addAddr(ns, 'eth0', `${address}/24`);
    // Replies to the client must go through the director that holds the DIP (LVS-NAT).
    await lab.ip(ns, ['route', 'add', 'default', 'via', DIP]);
    realServers.push({ name: `rs${i}`, ns, address });
  }
  return { lab, client, directors, realServers };
}

/** Starts (or restarts) a real server's HTTP process and resolves once it listens. */
export async function startRealServer(lab: NetnsLab, rs: RealServerNode): Promise<void> {
  const p = lab.spawn(rs.ns, process.execPath, ['-e', SERVER, rs.name]);
  rs.process = p;
  await new Promise<void>((resolve, reject) => {
    let out = '';
    p.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve();
    });
    p.once('exit', (code, sig) => reject(new Error(`real server ${rs.name} exited (${code ?? sig}) before listening`)));
  });
}

/** kill -9 of the real server's process (by PID), resolved once it has exited. */
export async function killRealServer(rs: RealServerNode): Promise<void> {
  const p = rs.process;
  if (!p || p.exitCode !== null || p.signalCode !== null) throw new Error(`real server ${rs.name} is not running`);
  const exited = new Promise<void>((r) => p.once('exit', () => r()));
  p.kill('SIGKILL');
  await exited;
}
