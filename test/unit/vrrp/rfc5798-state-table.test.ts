// RFC 5798 §6.4 state table, one row per (state, event), replayed as event sequences against the
// expected effects, next state and next deadline (holo-vrrp conformance style). Where keepalived
// deliberately differs from the RFC the row says so and expects keepalived's behaviour.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpInstanceMachine, type VrrpEffect, type VrrpEvent, type VrrpInstanceSpec, type VrrpState } from '../../../src/vrrp/fsm/index.js';
import type { DecodedAdvert } from '../../../src/vrrp/packet/index.js';
import { v3spec6 } from './sim-helpers.js';

/** v3 IPv6, advert_int 1 s, our address fe80::5, priority 100: skew = 156×100×625/16 µs = 609.375 ms. */
const LOCAL = 'fe80::5';
const DOWN = 3000 + 609.375;

const adv = (src: string, priority: number, advertIntMs = 1000): VrrpEvent => ({
  type: 'advertReceived',
  advert: { version: 3, family: 'ipv6', vrid: 61, priority, advertIntMs, addresses: ['fd00:1::100'], authType: 0, src, checksumAgainstMulticastGroup: false } satisfies DecodedAdvert,
});

interface Step {
  at: number;
  event: VrrpEvent;
  effects: string[];
  state: VrrpState;
  deadline: number | undefined;
}
interface Row {
  name: string;
  spec?: Partial<VrrpInstanceSpec>;
  steps: Step[];
}

const show = (fx: VrrpEffect[]): string[] =>
  fx.map((e) => {
    switch (e.type) {
      case 'sendAdvert':
        return `advert(${e.priority})`;
      case 'notify':
        return `notify(${e.state})`;
      case 'sendGarp':
        return `garp(${e.reason})`;
      default:
        return e.type;
    }
  });

const START: Step = { at: 0, event: { type: 'start' }, effects: ['notify(BACKUP)'], state: 'BACKUP', deadline: DOWN };
const TO_MASTER: Step = { at: DOWN, event: { type: 'timerExpired' }, effects: ['advert(100)', 'addVips', 'garp(become-master)', 'notify(MASTER)'], state: 'MASTER', deadline: DOWN + 1000 };

const rows: Row[] = [
  {
    name: 'Initialize, priority 255 (and state MASTER): send advert + GARP, go MASTER, arm advert timer',
    spec: { priority: 255, startState: 'MASTER' },
    steps: [{ at: 0, event: { type: 'start' }, effects: ['advert(255)', 'addVips', 'garp(become-master)', 'notify(MASTER)'], state: 'MASTER', deadline: 1000 }],
  },
  { name: 'Initialize, priority < 255: Master_Down_Timer = Master_Down_Interval, go BACKUP', steps: [START] },
  {
    name: 'Backup, Shutdown: cancel the down timer, go INIT',
    steps: [START, { at: 10, event: { type: 'stop' }, effects: ['notify(STOP)'], state: 'INIT', deadline: undefined }],
  },
  { name: 'Backup, Master_Down_Timer fires: advert, GARP, advert timer, MASTER', steps: [START, TO_MASTER] },
  {
    name: 'Backup, advert priority 0: Master_Down_Timer = Skew_Time',
    steps: [START, { at: 100, event: adv('fe80::9', 0), effects: [], state: 'BACKUP', deadline: 100 + 609.375 }],
  },
  {
    name: 'Backup, advert priority ≥ local: Master_Adver_Interval from the advert, reset Master_Down_Timer',
    steps: [START, { at: 100, event: adv('fe80::9', 150, 500), effects: [], state: 'BACKUP', deadline: 100 + 1500 + Math.floor((156 * 50 * 625) / 16) / 1000 }],
  },
  {
    name: 'Backup, advert priority < local with preempt: discard (timer keeps running)',
    steps: [START, { at: 100, event: adv('fe80::9', 50), effects: [], state: 'BACKUP', deadline: DOWN }],
  },
  {
    name: 'Backup, advert priority < local with nopreempt (Preempt_Mode false): accept and reset the timer',
    spec: { preempt: false },
    steps: [START, { at: 100, event: adv('fe80::9', 50), effects: [], state: 'BACKUP', deadline: 100 + DOWN }],
  },
  {
    name: 'Master, Adver_Timer fires: send advert, reset the timer',
    steps: [START, TO_MASTER, { at: DOWN + 1000, event: { type: 'timerExpired' }, effects: ['advert(100)'], state: 'MASTER', deadline: DOWN + 2000 }],
  },
  {
    name: 'Master, Shutdown: cancel the timer, send priority 0, go INIT',
    steps: [START, TO_MASTER, { at: DOWN + 10, event: { type: 'stop' }, effects: ['advert(0)', 'removeVips', 'notify(STOP)'], state: 'INIT', deadline: undefined }],
  },
  {
    name: 'Master, advert priority 0: send an advert, reset the Adver_Timer',
    steps: [START, TO_MASTER, { at: DOWN + 300, event: adv('fe80::9', 0), effects: ['advert(100)'], state: 'MASTER', deadline: DOWN + 1300 }],
  },
  {
    name: 'Master, advert priority > local: cancel Adver_Timer, adopt interval, Master_Down_Timer, BACKUP',
    steps: [START, TO_MASTER, { at: DOWN + 300, event: adv('fe80::9', 200, 200), effects: ['removeVips', 'notify(BACKUP)'], state: 'BACKUP', deadline: DOWN + 300 + 600 + Math.floor((156 * 20 * 625) / 16) / 1000 }],
  },
  {
    name: 'Master, advert priority = local and sender address greater: BACKUP',
    steps: [START, TO_MASTER, { at: DOWN + 300, event: adv('fe80::9', 100), effects: ['removeVips', 'notify(BACKUP)'], state: 'BACKUP', deadline: DOWN + 300 + DOWN }],
  },
  {
    name: 'Master, advert priority = local and sender address smaller: stay MASTER (keepalived re-asserts with an advert)',
    steps: [START, TO_MASTER, { at: DOWN + 300, event: adv('fe80::1', 100), effects: ['advert(100)', 'garp(lower-prio)', 'notifyMasterRxLowerPri'], state: 'MASTER', deadline: DOWN + 1300 }],
  },
  {
    name: 'Master, advert priority < local: RFC discards; keepalived answers with an advert to force a new election',
    steps: [START, TO_MASTER, { at: DOWN + 300, event: adv('fe80::9', 50), effects: ['advert(100)', 'garp(lower-prio)', 'notifyMasterRxLowerPri'], state: 'MASTER', deadline: DOWN + 1300 }],
  },
  {
    name: 'Master, advert priority < local: garp_lower_prio_repeat GARPs now and again after garp_lower_prio_delay',
    spec: { garpLowerPrioRepeat: 2, garpLowerPrioDelayMs: 500 },
    steps: [
      START,
      TO_MASTER,
      { at: DOWN + 300, event: adv('fe80::9', 50), effects: ['advert(100)', 'garp(lower-prio)', 'notifyMasterRxLowerPri'], state: 'MASTER', deadline: DOWN + 800 },
      { at: DOWN + 800, event: { type: 'timerExpired' }, effects: ['garp(lower-prio-delay)'], state: 'MASTER', deadline: DOWN + 1300 },
    ],
  },
  {
    name: 'Master, advert priority < local with lower_prio_no_advert: discard as the RFC says',
    spec: { lowerPrioNoAdvert: true },
    steps: [START, TO_MASTER, { at: DOWN + 300, event: adv('fe80::9', 50), effects: ['garp(lower-prio)', 'notifyMasterRxLowerPri'], state: 'MASTER', deadline: DOWN + 1000 }],
  },
];

describe('RFC 5798 §6.4 state table', () => {
  for (const row of rows) {
    it(row.name, () => {
      const m = new VrrpInstanceMachine(v3spec6('VI', LOCAL, 100, { advertIntMs: 1000, ...row.spec }));
      row.steps.forEach((s, i) => {
        const fx = m.handle(s.event, s.at);
        assert.deepEqual(show(fx), s.effects, `step ${i} effects`);
        assert.equal(m.state, s.state, `step ${i} state`);
        const d = m.nextDeadline();
        assert.equal(d === undefined ? undefined : Math.round(d * 1000) / 1000, s.deadline === undefined ? undefined : Math.round(s.deadline * 1000) / 1000, `step ${i} deadline`);
      });
    });
  }
});
