// Bad input is located and survived: an instance on an interface that does not exist is reported
// and held in FAULT (no socket; it still counts in status and sync groups), and the other
// instances of the same process work normally.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rootSkipReason, waitFor } from '../lib/netns.js';
import { instance, takeoverMs, withScenario } from './scenario.js';

test('an instance on a missing interface is reported and held in FAULT; the others run', { skip: rootSkipReason() }, () => withScenario(async (s) => {
  const d = s.start(0, 'ka-ts', {
    routerId: 'x',
    instances: [
      instance({ name: 'VI_1', priority: 150, state: 'MASTER' }),
      instance({ name: 'VI_2', vrid: 52, interface: 'nope0', priority: 150, state: 'MASTER', vips: ['10.77.0.101/24'] }),
    ],
  });
  await d.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
  assert.equal(await d.holds('10.77.0.100'), true);
  await waitFor(() => d.log.some((l) => /VI_2: interface nope0 missing/.test(l)), 2000)
    .catch(() => assert.fail(`no located error for VI_2:\n${d.log.join('\n')}`));
  await d.waitForState('VI_2', 'FAULT', 2000);
  await s.wire.waitAnnouncement('10.77.0.100', s.d1.mac, 0, 3000);
}));
