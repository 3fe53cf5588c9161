// --ipvs-backend auto on a kernel without IPVS (this machine, a fresh namespace) must pick nft and
// say why; explicit choices are honoured. The IPVS side of auto runs in the VM job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { processRunner } from '../../../src/ipvs/command-runner.js';
import { selectBackend } from '../../../src/ipvs/select-backend.js';

test('auto without kernel IPVS → nft, with the reason', { skip: existsSync('/proc/net/ip_vs') ? 'this kernel has IPVS; the VM job covers auto → ipvsadm' : undefined }, async () => {
  const s = await selectBackend('auto', { run: processRunner() });
  assert.equal(s.backend.name, 'nft');
  assert.match(s.reason, /^nft \(auto: kernel has no IPVS, no \/proc\/net\/ip_vs; modprobe/);
});

test('explicit choices', async () => {
  for (const c of ['ipvsadm', 'nft', 'dry-run'] as const) assert.equal((await selectBackend(c)).backend.name, c);
});
