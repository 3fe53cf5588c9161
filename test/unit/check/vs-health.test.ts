import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualServerHealth, checkerKeys } from '../../../src/check/fsm/vs-health.js';
import type { HealthEvent } from '../../../src/check/events.js';
import { rs, tcp, vs } from './spec-builders.js';

const kinds = (evs: HealthEvent[]): string[] => evs.map((e) => (e.kind === 'notify' ? `notify:${e.reason}` : `${e.kind}${'rs' in e && e.rs ? `:${e.rs}` : ''}`));
const fail = { ok: false, reason: 'connection refused' };
const pass = { ok: true, reason: 'connected' };

function keyOf(h: VirtualServerHealth, rsId: string, i = 0): string {
  return [...h.servers.get(rsId)!.checkers.keys()][i]!;
}

test('non-alpha servers start alive and keepalived reports the quorum gained (quorum_up runs, notify_up does not)', () => {
  const spec = vs({ quorumUp: { command: '/bin/qu' }, realServers: [rs('10.1.0.1', 80, { notifyUp: { command: '/bin/up' } }), rs('10.1.0.2', 80)] });
  const h = new VirtualServerHealth(spec);
  assert.deepEqual(kinds(h.start()), ['rs-up:10.1.0.1:80', 'rs-up:10.1.0.2:80', 'quorum-gained', 'notify:quorum-up']);
  assert.equal(h.quorumUp, true);
  assert.equal(h.pool().destinations.length, 2);
  // rs_init_notifies: notify_up for servers alive at start too.
  assert.deepEqual(kinds(new VirtualServerHealth(spec, true).start()).filter((k) => k.startsWith('notify')), ['notify:rs-up', 'notify:quorum-up']);
});

test('alpha without a sorry server starts with quorum down silently', () => {
  const h = new VirtualServerHealth(vs({ quorumDown: { command: '/bin/qd' }, realServers: [rs('10.1.0.1', 80, { checkers: [tcp(80, { alpha: true })] })] }));
  assert.deepEqual(kinds(h.start()), []);
  assert.equal(h.quorumUp, false);
  assert.deepEqual(h.pool().destinations, []);
});

test('alpha servers start down; quorum is lost at start and the sorry server goes in', () => {
  const h = new VirtualServerHealth(vs({
    alpha: true,
    sorryServer: { address: '10.9.9.9', port: 80, weight: 1, inhibit: false },
    quorumDown: { command: '/bin/qd' },
    realServers: [rs('10.1.0.1', 80, { checkers: [tcp(80, { alpha: true, retry: 0 })] })],
  }));
  assert.deepEqual(kinds(h.start()), ['quorum-lost', 'notify:quorum-down', 'sorry-server-in:10.9.9.9:80']);
  assert.deepEqual(h.pool().destinations.map((d) => d.role), ['sorry']);
  const out = h.onResult('10.1.0.1:80', keyOf(h, '10.1.0.1:80'), pass);
  assert.deepEqual(kinds(out.events), ['rs-up:10.1.0.1:80', 'quorum-gained', 'sorry-server-out:10.9.9.9:80']);
  assert.deepEqual(h.pool().destinations.map((d) => `${d.role}:${d.address}`), ['real:10.1.0.1']);
});

test('several checkers on one real server: all must pass', () => {
  const h = new VirtualServerHealth(vs({ realServers: [rs('10.1.0.1', 80, { checkers: [tcp(80, { retry: 0 }), tcp(81, { retry: 0 })], notifyDown: { command: '/bin/down' }, notifyUp: { command: '/bin/up' } })] }));
  h.start();
  const [k1, k2] = [keyOf(h, '10.1.0.1:80', 0), keyOf(h, '10.1.0.1:80', 1)];
  assert.deepEqual(kinds(h.onResult('10.1.0.1:80', k1, fail).events), ['rs-down:10.1.0.1:80', 'notify:rs-down', 'quorum-lost']);
  assert.deepEqual(kinds(h.onResult('10.1.0.1:80', k2, fail).events), []);
  assert.deepEqual(kinds(h.onResult('10.1.0.1:80', k1, pass).events), [], 'still down: the second checker fails');
  assert.deepEqual(kinds(h.onResult('10.1.0.1:80', k2, pass).events), ['rs-up:10.1.0.1:80', 'notify:rs-up', 'quorum-gained']);
});

test('inhibit_on_failure keeps a failed server in the pool at weight 0', () => {
  const h = new VirtualServerHealth(vs({ quorum: 1, realServers: [rs('10.1.0.1', 80, { inhibitOnFailure: true, weight: 5, checkers: [tcp(80, { retry: 0 })] }), rs('10.1.0.2', 80)] }));
  h.start();
  const ev = h.onResult('10.1.0.1:80', keyOf(h, '10.1.0.1:80'), fail).events;
  assert.deepEqual(ev[0], { kind: 'rs-down', vs: 'TCP:10.0.0.1:80', rs: '10.1.0.1:80', inhibit: true, reason: 'connection refused' });
  assert.deepEqual(h.pool().destinations.map((d) => [d.address, d.weight]), [['10.1.0.1', 0], ['10.1.0.2', 1]]);
});

test('quorum with hysteresis: lost below quorum-hysteresis, regained at quorum+hysteresis', () => {
  const servers = [1, 2, 3, 4].map((i) => rs(`10.1.0.${i}`, 80, { checkers: [tcp(80, { retry: 0 })] }));
  const h = new VirtualServerHealth(vs({ quorum: 3, hysteresis: 1, realServers: servers }));
  h.start(); // sum 4 ≥ 3-1: up
  const down = (i: number): string[] => kinds(h.onResult(`10.1.0.${i}:80`, keyOf(h, `10.1.0.${i}:80`), fail).events);
  const up = (i: number): string[] => kinds(h.onResult(`10.1.0.${i}:80`, keyOf(h, `10.1.0.${i}:80`), pass).events);
  assert.deepEqual(down(1), ['rs-down:10.1.0.1:80']); // 3
  assert.deepEqual(down(2), ['rs-down:10.1.0.2:80']); // 2 = 3-1, not below: still up
  assert.deepEqual(down(3), ['rs-down:10.1.0.3:80', 'quorum-lost']); // 1 < 2
  assert.deepEqual(up(1), ['rs-up:10.1.0.1:80']); // 2 < 3+1
  assert.deepEqual(up(2), ['rs-up:10.1.0.2:80']); // 3 < 4
  assert.deepEqual(up(3), ['rs-up:10.1.0.3:80', 'quorum-gained']); // 4
});

test('sorry server: live servers leave the pool while quorum is lost; sorry_server_inhibit keeps it at weight 0', () => {
  const h = new VirtualServerHealth(vs({
    quorum: 2,
    sorryServer: { address: '10.9.9.9', port: 8080, weight: 1, inhibit: true },
    realServers: [rs('10.1.0.1', 80, { checkers: [tcp(80, { retry: 0 })] }), rs('10.1.0.2', 80, { checkers: [tcp(80, { retry: 0 })] })],
  }));
  h.start();
  assert.deepEqual(h.pool().destinations.map((d) => [d.role, d.weight]), [['real', 1], ['real', 1], ['sorry', 0]]);
  assert.deepEqual(kinds(h.onResult('10.1.0.1:80', keyOf(h, '10.1.0.1:80'), fail).events), ['rs-down:10.1.0.1:80', 'quorum-lost', 'sorry-server-in:10.9.9.9:8080']);
  assert.deepEqual(h.pool().destinations.map((d) => [d.address, d.weight]), [['10.9.9.9', 1]], '10.1.0.2 is alive but out of the pool');
  h.onResult('10.1.0.1:80', keyOf(h, '10.1.0.1:80'), pass);
  assert.deepEqual(h.pool().destinations.map((d) => [d.address, d.weight]), [['10.1.0.1', 1], ['10.1.0.2', 1], ['10.9.9.9', 0]]);
});

test('misc_dynamic weight changes the server weight and the quorum sum', () => {
  const misc = { probe: { type: 'MISC_CHECK' as const, path: '/bin/true', timeoutMs: 1000, dynamic: true }, timing: { delayLoopMs: 1000, retry: 0, delayBeforeRetryMs: 0, warmupMs: 0, alpha: false } };
  const h = new VirtualServerHealth(vs({ quorum: 5, realServers: [rs('10.1.0.1', 80, { weight: 10, checkers: [misc] })] }));
  h.start();
  const ev = h.onResult('10.1.0.1:80', keyOf(h, '10.1.0.1:80'), { ok: true, reason: 'exit 4', weight: 2 }).events;
  assert.deepEqual(kinds(ev), ['rs-weight:10.1.0.1:80', 'quorum-lost']);
  assert.equal(h.pool().destinations[0]!.weight, 2);
});

test('omega: shutdown runs notify_down and quorum_down; without omega only removals', () => {
  const mk = (omega: boolean): VirtualServerHealth => {
    const h = new VirtualServerHealth(vs({ omega, quorumDown: { command: '/bin/qd' }, realServers: [rs('10.1.0.1', 80, { notifyDown: { command: '/bin/d' } })] }));
    h.start();
    return h;
  };
  assert.deepEqual(kinds(mk(true).shutdown()), ['rs-removed:10.1.0.1:80', 'notify:rs-down', 'quorum-lost', 'notify:quorum-down']);
  assert.deepEqual(kinds(mk(false).shutdown()), ['rs-removed:10.1.0.1:80']);
});

test('reload keeps unchanged checker state, adds and removes servers without flapping the others', () => {
  const a = rs('10.1.0.1', 80, { checkers: [tcp(80, { retry: 0 })] });
  const b = rs('10.1.0.2', 80, { checkers: [tcp(80, { retry: 0 })] });
  const h = new VirtualServerHealth(vs({ realServers: [a, b] }));
  h.start();
  h.onResult('10.1.0.1:80', keyOf(h, '10.1.0.1:80'), fail); // a is down
  const c = rs('10.1.0.3', 80);
  const ev = h.update(vs({ realServers: [a, c] }));
  assert.deepEqual(kinds(ev), ['rs-removed:10.1.0.2:80', 'rs-up:10.1.0.3:80']);
  assert.equal(h.servers.get('10.1.0.1:80')!.alive, false, 'a stays down: no flap');
  // Changing a's checker replaces it: the new checker starts up (non-alpha), so a comes back.
  const ev2 = h.update(vs({ realServers: [rs('10.1.0.1', 80, { checkers: [tcp(8080)] }), c] }));
  assert.deepEqual(kinds(ev2), ['rs-up:10.1.0.1:80']);
});

test('checker keys are stable and distinguish identical checkers', () => {
  const keys = checkerKeys([tcp(80), tcp(80), tcp(81)]);
  assert.equal(new Set(keys).size, 3);
  assert.deepEqual(checkerKeys([tcp(80), tcp(80), tcp(81)]), keys);
});
