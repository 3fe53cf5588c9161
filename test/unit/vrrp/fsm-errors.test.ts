// Bad input to the pure core is refused with typed, located errors; odd-but-valid inputs are handled.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SyncGroup, VrrpInstanceMachine, validateSpec } from '../../../src/vrrp/fsm/index.js';
import { encodeAdvert } from '../../../src/vrrp/packet/index.js';
import { v2spec, v3spec6 } from './sim-helpers.js';

describe('VRRP core input errors', () => {
  it('spec errors name the instance and the keyword', () => {
    assert.throws(() => validateSpec(v2spec('VI_9', '10.0.0.1', 0)), { name: 'VrrpSpecError', message: /vrrp_instance VI_9: priority/ });
    assert.throws(() => validateSpec(v2spec('VI_9', '10.0.0.1', 100, { advertIntMs: 1500 })), { name: 'VrrpSpecError', message: /advert_int: VRRPv2 needs whole seconds/ });
    assert.throws(() => validateSpec(v3spec6('VI_9', 'fe80::1', 100, { advertIntMs: 5 })), { name: 'VrrpSpecError', message: /advert_int: VRRPv3/ });
    assert.throws(() => validateSpec(v2spec('VI_9', '10.0.0.1', 100, { vrid: 256 })), { name: 'VrrpSpecError', message: /virtual_router_id/ });
    assert.throws(() => new VrrpInstanceMachine(v2spec('VI_9', '10.0.0.1', 100, { downTimerAdverts: 0 })), { name: 'VrrpSpecError' });
  });
  it('a reload with a bad spec is refused and the machine keeps its state', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 255, { startState: 'MASTER' }));
    m.handle({ type: 'start' }, 0);
    assert.throws(() => m.handle({ type: 'reload', spec: v2spec('VI', '10.0.0.1', 300) }, 10), { name: 'VrrpSpecError' });
    assert.equal(m.state, 'MASTER');
    assert.equal(m.effectivePriority, 255);
  });
  it('sync groups need two distinct members', () => {
    const a = new VrrpInstanceMachine(v2spec('A', '10.0.0.1', 100));
    assert.throws(() => new SyncGroup('G', [a]), { name: 'SyncGroupError', message: /at least 2/ });
    assert.throws(() => new SyncGroup('G', [a, a]), { name: 'SyncGroupError', message: /listed twice/ });
    const g = new SyncGroup('G', [a, new VrrpInstanceMachine(v2spec('B', '10.0.0.1', 100, { vrid: 52 }))]);
    assert.throws(() => g.handle('C', { type: 'start' }, 0), { name: 'SyncGroupError', message: /no member C/ });
  });
  it('encode refuses what the wire cannot carry', () => {
    const base = { version: 2 as const, family: 'ipv4' as const, vrid: 1, priority: 100, advertIntMs: 1000, addresses: ['10.0.0.1'], authType: 0 as const };
    assert.throws(() => encodeAdvert({ ...base, advertIntMs: 1500 }), { name: 'VrrpEncodeError', message: /advertIntMs/ });
    assert.throws(() => encodeAdvert({ ...base, priority: 256 }), { name: 'VrrpEncodeError', message: /priority/ });
    assert.throws(() => encodeAdvert({ ...base, authType: 2 }), { name: 'VrrpEncodeError', message: /IPSEC AH/ });
    assert.throws(() => encodeAdvert({ ...base, version: 3, advertIntMs: 100 }), { name: 'VrrpEncodeError', message: /pseudo-header/ });
    assert.throws(() => encodeAdvert({ ...base, addresses: ['10.0.0.300'] }), { name: 'IpAddressError' });
  });
  it('a unicast v3 peer using the old checksum switches our sending mode once', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 100, { version: 3, unicastPeers: ['10.0.0.2'] }));
    m.handle({ type: 'start' }, 0);
    const advert = { version: 3 as const, family: 'ipv4' as const, vrid: 51, priority: 150, advertIntMs: 1000, addresses: ['192.168.200.16'], authType: 0 as const, src: '10.0.0.2', checksumAgainstMulticastGroup: true };
    assert.deepEqual(m.handle({ type: 'advertReceived', advert }, 10), [{ type: 'useMulticastChecksumForUnicast' }]);
    assert.deepEqual(m.handle({ type: 'advertReceived', advert }, 20), []);
  });
  it('adverts and drops while INIT or FAULT are ignored entirely (keepalived does not read them)', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 100));
    const advert = { version: 2 as const, family: 'ipv4' as const, vrid: 51, priority: 150, advertIntMs: 1000, addresses: ['192.168.200.16'], authType: 0 as const, src: '10.0.0.2', checksumAgainstMulticastGroup: false };
    assert.deepEqual(m.handle({ type: 'advertReceived', advert }, 0), []);
    m.handle({ type: 'advertDropped', reason: 'ttl' }, 0);
    m.handle({ type: 'trackingChanged', fault: true, priority: 100 }, 0);
    m.handle({ type: 'start' }, 0);
    assert.equal(m.state, 'FAULT');
    m.handle({ type: 'advertReceived', advert }, 5);
    assert.equal(m.counters.advertsReceived, 0);
    assert.equal(m.counters.drops.ttl, 0);
  });
  it('a unicast instance leaving FAULT announces its own source address', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 100, { unicastPeers: ['10.0.0.2'] }));
    m.handle({ type: 'start' }, 0);
    m.handle({ type: 'trackingChanged', fault: true, priority: 100 }, 10);
    assert.deepEqual(m.handle({ type: 'trackingChanged', fault: false, priority: 100 }, 20), [
      { type: 'notify', state: 'BACKUP', priority: 100 },
      { type: 'announceSourceAddress' },
    ]);
  });
});
