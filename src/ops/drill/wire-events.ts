// Parses `tcpdump -nn -e -tt -l` lines into the wire events a drill times: VRRP adverts (who,
// which VRID, which priority) and gratuitous ARP for an address. Pure: text in, events out.

export type WireEvent =
  | { kind: 'advert'; atMs: number; srcMac: string; src: string; vrid: number; priority: number }
  | { kind: 'garp'; atMs: number; srcMac: string; target: string };

const HEAD = /^(\d+\.\d+) ([0-9a-f]{2}(?::[0-9a-f]{2}){5}) > /;

export function parseWireLine(line: string): WireEvent | undefined {
  const h = HEAD.exec(line);
  if (!h) return undefined;
  const atMs = Number(h[1]) * 1000;
  const srcMac = h[2]!;
  const v = /: ([\d.a-f:]+) > [\d.a-f:]+: VRRPv[23], Advertisement, (?:\(ttl \d+\), )?vrid (\d+), prio (\d+)/.exec(line);
  if (v) return { kind: 'advert', atMs, srcMac, src: v[1]!, vrid: Number(v[2]), priority: Number(v[3]) };
  // Gratuitous ARP: a request whose sender and target are the same address, or an unsolicited reply.
  const req = /Request who-has (\S+)(?: \([^)]*\))? tell (\S+),/.exec(line);
  if (req && req[1] === req[2]) return { kind: 'garp', atMs, srcMac, target: req[1]! };
  const rep = /Reply (\S+) is-at/.exec(line);
  if (rep) return { kind: 'garp', atMs, srcMac, target: rep[1]! };
  return undefined;
}
