// MISC_CHECK script identities through NSS (getent), as the checker process resolves them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeepalivedConfig, MiscCheck } from '../../../src/config/model.js';
import { checkerScriptUsers } from '../../../src/check/script-users.js';
import { checkerSpecsFromConfig } from '../../../src/check/from-config.js';

const loc = (line: number) => ({ file: '/k.conf', line, col: 1 });
const misc = (line: number, user?: { user: string; group?: string }): MiscCheck => ({ type: 'MISC_CHECK', miscPath: '/bin/true', miscDynamic: false, ...(user ? { user } : {}), loc: loc(line), extra: {} });

test('users are looked up once; unknown users drop their checker with a located diagnostic; others get script_user', async () => {
  const cfg = {
    globalDefs: { scriptUser: { user: 'root' }, enableScriptSecurity: false } as KeepalivedConfig['globalDefs'],
    virtualServerGroups: [],
    virtualServers: [{
      key: { kind: 'ip', address: '10.0.0.1', port: 80, family: 'inet' }, protocol: 'TCP', lbAlgo: 'wlc', lbKind: 'NAT', delayLoopMs: 5000,
      quorum: 1, hysteresis: 0, alpha: false, omega: false, haSuspend: false, ops: false, sorryServerInhibit: false, inhibitOnFailure: false,
      schedFlags: [], loc: loc(1), extra: {},
      realServers: [{ address: '192.168.1.1', port: 80, family: 'inet', weight: 1, loc: loc(2), extra: {}, checkers: [misc(3, { user: 'nobody' }), misc(4, { user: 'no-such-user-kt' }), misc(5)] }],
    }],
  } as unknown as KeepalivedConfig;
  const opts = await checkerScriptUsers(cfg);
  const { specs, diagnostics } = checkerSpecsFromConfig(cfg, opts);
  const probes = specs[0]!.realServers[0]!.checkers.map((c) => c.probe as { uid?: number; gid?: number });
  assert.deepEqual(probes.map((p) => p.uid), [65534, 0]);
  assert.deepEqual(diagnostics.map((d) => d.loc.line), [4]);
  assert.match(diagnostics[0]!.message, /user no-such-user-kt cannot be resolved/);
});
