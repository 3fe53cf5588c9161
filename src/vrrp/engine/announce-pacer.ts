// keepalived's vrrp_garp_interval / vrrp_gna_interval: for switches that cannot take a flood of
// gratuitous ARPs (or unsolicited NAs), consecutive ones on an interface are spaced by at least
// the interval, whichever instance sends them; the rest wait their turn in order (vrrp_arp.c,
// vrrp_ndisc.c: one next-send time per interface and family). With an interval of 0 (the default)
// announcements pass straight through.
import { isIPv4 } from 'node:net';
import type { AnnouncePort } from './ports.js';
import { realSetTimer, type SetTimer } from '../timer.js';

export interface AnnounceIntervals {
  garpMs: number;
  gnaMs: number;
}

export interface PacerTimers {
  now(): number;
  set: SetTimer;
}

const realTimers: PacerTimers = { now: () => performance.now(), set: realSetTimer };

interface Lane {
  ifname: string;
  queue: string[];
  /** Earliest time the next frame may go (monotonic ms). */
  nextAt: number;
  cancel: (() => void) | undefined;
}

export class AnnouncePacer implements AnnouncePort {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly inner: AnnouncePort, private intervals: AnnounceIntervals, private readonly timers: PacerTimers = realTimers) {}

  /** New intervals (reload): queued frames keep their order and go out at the new pace. */
  setIntervals(intervals: AnnounceIntervals): void {
    this.intervals = intervals;
  }

  announce(ifname: string, addresses: string[]): void {
    const v4 = addresses.filter((a) => isIPv4(a.split('/')[0]!));
    const v6 = addresses.filter((a) => !isIPv4(a.split('/')[0]!));
    this.enqueue(ifname, 'arp', v4, this.intervals.garpMs);
    this.enqueue(ifname, 'nd', v6, this.intervals.gnaMs);
  }

  /** Drops what is still queued (stop: a leaving master announces nothing more). */
  clear(): void {
    for (const lane of this.lanes.values()) lane.cancel?.();
    this.lanes.clear();
  }

  /** Frames waiting for their turn, for status and tests. */
  get queued(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.queue.length;
    return n;
  }

  private enqueue(ifname: string, kind: 'arp' | 'nd', addresses: string[], intervalMs: number): void {
    if (addresses.length === 0) return;
    const key = `${ifname}/${kind}`;
    const lane = this.lanes.get(key);
    if (intervalMs <= 0 && !lane?.queue.length) {
      this.inner.announce(ifname, addresses);
      return;
    }
    const l = lane ?? { ifname, queue: [], nextAt: 0, cancel: undefined };
    this.lanes.set(key, l);
    l.queue.push(...addresses);
    this.drain(l, kind);
  }

  private drain(lane: Lane, kind: 'arp' | 'nd'): void {
    if (lane.cancel) return; // a timer is already waiting for this lane's turn
    const interval = kind === 'arp' ? this.intervals.garpMs : this.intervals.gnaMs;
    let now = this.timers.now();
    while (lane.queue.length > 0 && now >= lane.nextAt) {
      this.inner.announce(lane.ifname, [lane.queue.shift()!]);
      lane.nextAt = now + interval;
      if (interval > 0) break;
      now = this.timers.now();
    }
    if (lane.queue.length === 0) return;
    lane.cancel = this.timers.set(() => { lane.cancel = undefined; this.drain(lane, kind); }, lane.nextAt - now);
  }
}
