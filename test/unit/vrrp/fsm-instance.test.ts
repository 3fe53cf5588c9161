// Single-instance behaviour driven by hand-made events (RFC 5798 §6.4 state table + keepalived).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpInstanceMachine, keepalivedStats, type VrrpEffect } from '../../../src/vrrp/fsm/index.js';
import type { DecodedAdvert } from '../../../src/vrrp/packet/index.js';
import { v2spec } from './sim-helpers.js';

function advert(src: string, priority: number, extra: Partial<DecodedAdvert> = {}): DecodedAdvert {
  return { version: 2, family: 'ipv4', vrid: 51, priority, advertIntMs: 1000, addresses: ['192.168.200.16'], authType: 0, src, checksumAgainstMulticastGroup: false, ...extra };
}
const types = (fx: VrrpEffect[]): string[] => fx.map((e) => (e.type === 'notify' ? `notify:${e.state}` : e.type === 'sendAdvert' ? `advert:${e.priority}` : e.type));

describe('VrrpInstanceMachine', () => {
  it('INIT → BACKUP on start, master-down timer = 3×advert + skew', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 100));
    assert.equal(m.state, 'INIT');
    assert.deepEqual(types(m.handle({ type: 'start' }, 1000)), ['notify:BACKUP']);
    assert.equal(m.state, 'BACKUP');
    assert.equal(m.nextDeadline(), 1000 + 3609.375);
  });

  it('BACKUP timeout → MASTER: advert first, then VIPs, GARP burst, notify; delayed GARP after garp_master_delay', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 100));
    m.handle({ type: 'start' }, 0);
    const fx = m.handle({ type: 'timerExpired' }, 3609.375);
    assert.deepEqual(types(fx), ['advert:100', 'addVips', 'sendGarp', 'notify:MASTER']);
    assert.deepEqual(fx[2], { type: 'sendGarp', repeat: 5, reason: 'become-master' });
    assert.equal(m.state, 'MASTER');
    assert.equal(m.nextDeadline(), 3609.375 + 1000);
    assert.deepEqual(types(m.handle({ type: 'timerExpired' }, 4609.375)), ['advert:100']);
    // garp_master_delay 5 s after becoming master
    for (let t = 5609.375; t < 8609.375; t += 1000) m.handle({ type: 'timerExpired' }, t);
    const at = m.nextDeadline();
    assert.equal(at, 8609.375);
    const fx2 = m.handle({ type: 'timerExpired' }, 8609.375);
    assert.deepEqual(fx2.find((e) => e.type === 'sendGarp'), { type: 'sendGarp', repeat: 5, reason: 'master-delay' });
  });

  it('address owner with state MASTER becomes MASTER at once', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 255, { startState: 'MASTER' }));
    assert.deepEqual(types(m.handle({ type: 'start' }, 0)), ['advert:255', 'addVips', 'sendGarp', 'notify:MASTER']);
  });

  it('state MASTER below 255 still starts in BACKUP and waits master-down', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 150, { startState: 'MASTER' }));
    m.handle({ type: 'start' }, 0);
    assert.equal(m.state, 'BACKUP');
  });

  it('BACKUP: higher/equal priority advert restarts the down timer; priority 0 cuts it to skew', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 100));
    m.handle({ type: 'start' }, 0);
    m.handle({ type: 'advertReceived', advert: advert('10.0.0.2', 150) }, 1000);
    assert.equal(m.nextDeadline(), 1000 + 3609.375);
    m.handle({ type: 'advertReceived', advert: advert('10.0.0.2', 0) }, 2000);
    assert.equal(m.nextDeadline(), 2000 + 609.375);
    assert.equal(m.counters.priorityZeroReceived, 1);
    assert.equal(m.counters.advertsReceived, 2);
  });

  it('BACKUP with preempt ignores a lower priority advert (timer keeps running)', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 200));
    m.handle({ type: 'start' }, 0);
    m.handle({ type: 'advertReceived', advert: advert('10.0.0.2', 100) }, 1000);
    assert.equal(m.nextDeadline(), 3000 + 218.75 + 609.375 - 609.375);
  });

  it('BACKUP with nopreempt follows a lower priority master', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 200, { preempt: false }));
    m.handle({ type: 'start' }, 0);
    m.handle({ type: 'advertReceived', advert: advert('10.0.0.2', 100) }, 1000);
    assert.equal(m.nextDeadline(), 1000 + 3218.75);
  });

  it('MASTER: higher priority → BACKUP (release VIPs, no priority 0); lower → answers with an advert', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 100, { garpLowerPrioRepeat: 2 }));
    m.handle({ type: 'start' }, 0);
    m.handle({ type: 'timerExpired' }, 3609.375);
    const low = m.handle({ type: 'advertReceived', advert: advert('10.0.0.2', 50) }, 4000);
    assert.deepEqual(types(low), ['advert:100', 'sendGarp', 'notifyMasterRxLowerPri']);
    assert.equal(m.nextDeadline(), 5000);
    const high = m.handle({ type: 'advertReceived', advert: advert('10.0.0.2', 150) }, 4500);
    assert.deepEqual(types(high), ['removeVips', 'notify:BACKUP']);
    assert.equal(m.state, 'BACKUP');
    assert.equal(m.counters.releaseMaster, 1);
    assert.equal(m.nextDeadline(), 4500 + 3609.375);
  });

  it('MASTER: equal priority tie-break on the primary address (higher address wins)', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.5', 100));
    m.handle({ type: 'start' }, 0);
    m.handle({ type: 'timerExpired' }, 3609.375);
    assert.deepEqual(types(m.handle({ type: 'advertReceived', advert: advert('10.0.0.4', 100) }, 4000)), ['advert:100', 'sendGarp', 'notifyMasterRxLowerPri']);
    assert.equal(m.state, 'MASTER');
    m.handle({ type: 'advertReceived', advert: advert('10.0.0.6', 100) }, 4100);
    assert.equal(m.state, 'BACKUP');
  });

  it('MASTER receiving priority 0 sends an advert at once and stays MASTER', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 100));
    m.handle({ type: 'start' }, 0);
    m.handle({ type: 'timerExpired' }, 3609.375);
    assert.deepEqual(types(m.handle({ type: 'advertReceived', advert: advert('10.0.0.2', 0) }, 4000)), ['advert:100']);
    assert.equal(m.state, 'MASTER');
  });

  it('stop: a MASTER sends priority 0 and releases its VIPs, then notifies STOP', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 100));
    m.handle({ type: 'start' }, 0);
    m.handle({ type: 'timerExpired' }, 3609.375);
    assert.deepEqual(types(m.handle({ type: 'stop' }, 5000)), ['advert:0', 'removeVips', 'notify:STOP']);
    assert.equal(m.state, 'INIT');
    assert.equal(m.nextDeadline(), undefined);
    assert.equal(m.counters.priorityZeroSent, 1);
  });

  it('tracking fault: MASTER → FAULT sends priority 0 twice (as keepalived 2.2.7 does on the wire) and releases; clearing returns to BACKUP', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 100));
    m.handle({ type: 'start' }, 0);
    m.handle({ type: 'timerExpired' }, 3609.375);
    assert.deepEqual(types(m.handle({ type: 'trackingChanged', fault: true, priority: 100 }, 4000)), ['advert:0', 'advert:0', 'removeVips', 'notify:FAULT']);
    assert.equal(m.acceptsAdverts(), false);
    assert.equal(m.nextDeadline(), undefined);
    assert.deepEqual(types(m.handle({ type: 'trackingChanged', fault: false, priority: 100 }, 5000)), ['notify:BACKUP']);
    assert.equal(m.nextDeadline(), 5000 + 3609.375);
  });

  it('tracked priority is clamped to 1..254 and moves a running backup timer by the skew change', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 100));
    m.handle({ type: 'start' }, 0);
    m.handle({ type: 'trackingChanged', fault: false, priority: 300 }, 10);
    assert.equal(m.effectivePriority, 254);
    assert.equal(m.nextDeadline(), 3000 + 7.812);
    m.handle({ type: 'trackingChanged', fault: false, priority: -20 }, 20);
    assert.equal(m.effectivePriority, 1);
  });

  it('the address owner ignores tracked priority', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 255));
    m.handle({ type: 'trackingChanged', fault: false, priority: 100 }, 0);
    assert.equal(m.effectivePriority, 255);
  });

  it('drops are counted per reason and under keepalived names; address-list drops still count as received', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 100));
    m.handle({ type: 'start' }, 0);
    m.handle({ type: 'advertDropped', reason: 'ttl' }, 1);
    m.handle({ type: 'advertDropped', reason: 'address-list' }, 2);
    m.handle({ type: 'advertDropped', reason: 'packet-length' }, 3);
    m.handle({ type: 'advertDropped', reason: 'too-short' }, 3);
    const s = keepalivedStats(m.counters);
    assert.equal(s.ip_ttl_errors, 1);
    assert.equal(s.address_list_errors, 1);
    assert.equal(s.packet_length_errors, 2);
    assert.equal(s.advertisements_received, 1);
    assert.equal(m.counters.drops.ttl, 1);
  });

  it('skip_check_adv_addr: addresses are not checked for adverts from the current master only', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 100, { skipCheckAdvAddr: true }));
    m.handle({ type: 'start' }, 0);
    assert.equal(m.checkAddressesFor('10.0.0.2'), true);
    m.handle({ type: 'advertReceived', advert: advert('10.0.0.2', 150) }, 10);
    assert.equal(m.checkAddressesFor('10.0.0.2'), false);
    assert.equal(m.checkAddressesFor('10.0.0.3'), true);
  });

  it('vrrp_strict without accept asks for the VIPs to be blocked', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 255, { startState: 'MASTER', strict: true }));
    assert.deepEqual(m.handle({ type: 'start' }, 0).find((e) => e.type === 'addVips'), { type: 'addVips', blockTraffic: true });
    const a = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 255, { startState: 'MASTER', strict: true, accept: true }));
    assert.deepEqual(a.handle({ type: 'start' }, 0).find((e) => e.type === 'addVips'), { type: 'addVips', blockTraffic: false });
  });

  it('reload keeps MASTER and advertises at once with the new priority', () => {
    const m = new VrrpInstanceMachine(v2spec('VI', '10.0.0.1', 100));
    m.handle({ type: 'start' }, 0);
    m.handle({ type: 'timerExpired' }, 3609.375);
    assert.deepEqual(types(m.handle({ type: 'reload', spec: v2spec('VI', '10.0.0.1', 120) }, 4000)), ['advert:120']);
    assert.equal(m.state, 'MASTER');
  });
});
