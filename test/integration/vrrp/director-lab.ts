// The VRRP test topology: a switch namespace with a bridge, N directors and one client, each with
// eth0 on the bridge, IPv4 10.77.0.0/24 and IPv6 fd77::/64. DAD is off so IPv6 link-local
// addresses (VRRPv3's source address) are usable at once instead of after ~1-2 s.
import { NetnsLab } from '../lib/netns.js';

export interface Node {
  ns: string;
  ifname: string;
  v4: string;
  v6: string;
  mac: string;
}

export interface DirectorLab {
  lab: NetnsLab;
  sw: string;
  directors: Node[];
  client: Node;
}

async function noDad(lab: NetnsLab, ns: string): Promise<void> {
  await lab.exec(ns, 'sysctl', ['-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
}

async function macOf(lab: NetnsLab, ns: string, ifname: string): Promise<string> {
  const r = await lab.ip(ns, ['-j', 'link', 'show', ifname]);
  return (JSON.parse(r.stdout) as Array<{ address: string }>)[0]!.address;
}

/** Builds the topology. Directors are 10.77.0.1.., the client 10.77.0.200. */
export async function buildDirectorLab(lab: NetnsLab, directorCount: number): Promise<DirectorLab> {
  const sw = await lab.addNs('sw');
  await noDad(lab, sw);
  await lab.bridge(sw, 'br0');
  const mk = async (short: string, host: number): Promise<Node> => {
    const ns = await lab.addNs(short);
    await noDad(lab, ns);
    await lab.plugIntoBridge(ns, 'eth0', sw, 'br0', `p-${short}`);
    await lab.addAddr(ns, 'eth0', `10.77.0.${host}/24`);
    await lab.addAddr(ns, 'eth0', `fd77::${host}/64`);
    return { ns, ifname: 'eth0', v4: `10.77.0.${host}`, v6: `fd77::${host}`, mac: await macOf(lab, ns, 'eth0') };
  };
  const directors: Node[] = [];
  for (let i = 1; i <= directorCount; i++) directors.push(await mk(`d${i}`, i));
  const client = await mk('c', 200);
  return { lab, sw, directors, client };
}

/** Takes a director's link down on the switch side (carrier loss on its eth0), or back up. */
export async function setDirectorLink(dl: DirectorLab, index: number, up: boolean): Promise<void> {
  await dl.lab.ip(dl.sw, ['link', 'set', `p-d${index + 1}`, up ? 'up' : 'down']);
}
