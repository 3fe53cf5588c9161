// Child process of bench/checks.ts: the checker process being measured. It receives the virtual
// servers over IPC, runs a CheckerService, forwards rs-up/rs-down events, and answers usage
// requests with its own CPU time and RSS.

import { CheckerService } from '../src/check/service.js';
import type { HealthEvent } from '../src/check/events.js';
import type { VirtualServerSpec } from '../src/check/spec.js';
import { okResult } from '../src/check/result.js';

type Msg = { cmd: 'start'; specs: VirtualServerSpec[]; maxConcurrent: number } | { cmd: 'usage' } | { cmd: 'stop' };

let svc: CheckerService | undefined;
let maxRss = 0;
const rssTimer = setInterval(() => { maxRss = Math.max(maxRss, process.memoryUsage().rss); }, 500);

process.on('message', (m: Msg) => {
  if (m.cmd === 'start') {
    // BENCH_CHECKS_PROBE=noop: every probe passes at once without I/O, which leaves the cost of
    // the scheduler, the per-checker state and the health state machines alone.
    const noop = process.env.BENCH_CHECKS_PROBE === 'noop';
    svc = new CheckerService(m.specs, { maxConcurrent: m.maxConcurrent, ...(noop ? { probe: () => Promise.resolve(okResult(0, 'noop probe')) } : {}) });
    svc.on('event', (e: HealthEvent) => {
      if (e.kind === 'rs-down' || e.kind === 'rs-up') process.send!({ type: 'event', kind: e.kind, rs: e.rs });
    });
    svc.start();
    process.send!({ type: 'started' });
  } else if (m.cmd === 'usage') {
    const rss = process.memoryUsage().rss;
    maxRss = Math.max(maxRss, rss);
    process.send!({ type: 'usage', cpu: process.cpuUsage(), wall: performance.now(), rss, maxRss, counters: svc?.counters() });
  } else if (m.cmd === 'stop') {
    svc?.stop();
    clearInterval(rssTimer);
    process.send!({ type: 'stopped' }, () => process.exit(0));
  }
});
