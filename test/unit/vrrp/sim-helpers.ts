// Shared builders for the conformance tests: routers on a simulated LAN with keepalived defaults.
import { makeSpec, type VrrpInstanceSpec } from '../../../src/vrrp/fsm/index.js';

export function v2spec(name: string, primaryAddress: string, priority: number, extra: Partial<VrrpInstanceSpec> = {}): VrrpInstanceSpec {
  return makeSpec({ name, vrid: 51, priority, primaryAddress, vips: ['192.168.200.16'], ...extra });
}

export function v3spec6(name: string, primaryAddress: string, priority: number, extra: Partial<VrrpInstanceSpec> = {}): VrrpInstanceSpec {
  return makeSpec({ name, vrid: 61, priority, primaryAddress, vips: ['fd00:1::100'], version: 3, family: 'ipv6', advertIntMs: 100, ...extra });
}
