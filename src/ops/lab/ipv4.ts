// IPv4 arithmetic for laying out lab networks (the lab is IPv4 only).
export class LabAddressError extends Error {
  constructor(message: string) { super(message); this.name = 'LabAddressError'; }
}

export function ipToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw new LabAddressError(`'${ip}' is not an IPv4 address (the lab is IPv4 only)`);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function isIpv4(ip: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(ip);
}

export function networkOf(ip: string, prefix: number): number {
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return (ipToInt(ip) & mask) >>> 0;
}

export function inSubnet(ip: string, net: number, prefix: number): boolean {
  return networkOf(ip, prefix) === net;
}
