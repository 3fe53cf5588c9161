// virtual_routes and virtual_rules move with mastership: installed (with the VIP, in one batch) on
// the ka-ts master, removed when it hands over to keepalived, installed again when it preempts back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rootSkipReason, waitFor } from '../lib/netns.js';
import { instance, takeoverMs, withScenario } from './scenario.js';

const ROUTE = '10.99.0.0/24';
const RULE_TABLE = '100';

test('virtual_routes / virtual_rules follow the ka-ts master', { skip: rootSkipReason() }, () => withScenario(async (s) => {
  const lab = s.dl.lab;
  const hasRoute = async (): Promise<boolean> => (await lab.ip(s.d1.ns, ['route', 'show', ROUTE])).stdout.includes(ROUTE);
  const hasRule = async (): Promise<boolean> => (await lab.ip(s.d1.ns, ['rule', 'show'])).stdout.includes(`from 10.77.0.100 lookup ${RULE_TABLE}`);
  const extras = { routes: [`${ROUTE} via 10.77.0.200 dev eth0`], rules: [`from 10.77.0.100 table ${RULE_TABLE}`] };
  const master = s.start(0, 'ka-ts', { routerId: 'm', instances: [instance({ priority: 150, state: 'MASTER', ...extras })] });
  await master.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
  assert.equal(await hasRoute(), true, 'route installed on MASTER');
  assert.equal(await hasRule(), true, 'rule installed on MASTER');
  const backup = s.start(1, 'keepalived', { routerId: 'b', instances: [instance({ priority: 200, state: 'BACKUP' })] });
  await backup.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
  await master.waitForState('VI_1', 'BACKUP', 2000);
  await waitFor(async () => !(await hasRoute()) && !(await hasRule()), 2000).catch(() => assert.fail('route/rule still present on BACKUP'));
  await backup.stop();
  await master.waitForState('VI_1', 'MASTER', takeoverMs(0.2));
  assert.equal(await hasRoute(), true);
  assert.equal(await hasRule(), true);
}));
