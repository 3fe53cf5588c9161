// use_vmac, configuration side: keepalived 2.2.7's names and MACs, and the engine spec moved onto
// the macvlan (adverts, VIPs, tracking, source address).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { onVmacs, vmacPlans } from '../../../src/vrrp/vmac/vmac-plan.js';
import { engineConfigFromModel } from '../../../src/daemon/vrrp-from-config.js';
import { codes, parseText } from '../config/parse-helpers.js';

const inst = (name: string, vrid: number, body: string, vip = '10.0.0.1/24'): string =>
  `vrrp_instance ${name} {\n interface eth0\n virtual_router_id ${vrid}\n priority 100\n ${body}\n virtual_ipaddress {\n  ${vip}\n  10.9.0.1/24 dev eth1\n }\n}\n`;

describe('use_vmac', () => {
  it('parses a name and a MAC in either order; refuses multicast and VRRP-range MACs', () => {
    const r = parseText(inst('A', 1, 'use_vmac 00:11:22:33:44 vm-a') + inst('B', 2, 'use_vmac 01:00:00:00:00:01') + inst('C', 3, 'use_vmac 00:00:5e:00:01:07'));
    assert.deepEqual(r.model.vrrpInstances.map((i) => i.useVmac), [{ mac: '00:11:22:33:44', name: 'vm-a' }, {}, {}]);
    assert.deepEqual(codes(r), ['vmac-mac', 'vmac-mac']);
  });
  it('names vrrp.VRID, MAC 00:00:5e:00:01:VRID (02 for IPv6), five octets completed with the VRID, a taken name skipped', () => {
    const r = parseText(inst('A', 51, 'use_vmac') + inst('B', 10, 'use_vmac 02:aa:bb:cc:dd') + inst('C', 51, 'use_vmac\n version 3', 'fd00::1/64') + inst('D', 52, 'use_vmac vrrp.51'), { validate: true });
    assert.deepEqual(vmacPlans(r.model).map((p) => [p.instance, p.name, p.mac, p.family]), [
      ['A', 'vrrp.51', '00:00:5e:00:01:33', 'ipv4'],
      ['B', 'vrrp.10', '02:aa:bb:cc:dd:0a', 'ipv4'],
      ['C', 'vrrp6.51', '00:00:5e:00:02:33', 'ipv6'],
      ['D', 'vrrp.52', '00:00:5e:00:01:34', 'ipv4'],
    ]);
  });
  it('the engine runs the instance on the macvlan: adverts there, its VIPs there (not those on another dev), the base tracked, the base address as source', () => {
    const r = parseText(inst('A', 51, 'use_vmac'), { validate: true });
    const plans = vmacPlans(r.model);
    const s = onVmacs(engineConfigFromModel(r.model), plans, new Map([['A', '10.0.0.5']])).instances[0]!;
    assert.equal(s.interface, 'vrrp.51');
    assert.deepEqual(s.vips.map((v) => v.dev), ['vrrp.51', 'eth1']);
    assert.deepEqual(s.trackInterfaces, [{ ifname: 'eth0', weight: 0 }]);
    assert.equal(s.vrrp.primaryAddress, '10.0.0.5');
  });
  it('vmac_xmit_base (and unicast peers) keep the adverts on the base interface; the VIPs still move', () => {
    const r = parseText(inst('A', 51, 'use_vmac\n vmac_xmit_base') + inst('B', 52, 'use_vmac\n unicast_peer {\n  10.0.0.9\n }'), { validate: true });
    const plans = vmacPlans(r.model);
    assert.deepEqual(plans.map((p) => p.xmitBase), [true, true]);
    const [a] = onVmacs(engineConfigFromModel(r.model), plans, new Map()).instances;
    assert.equal(a!.interface, 'eth0');
    assert.equal(a!.vips[0]!.dev, 'vrrp.51');
    assert.deepEqual(a!.trackInterfaces, [{ ifname: 'vrrp.51', weight: 0 }]);
  });
});
