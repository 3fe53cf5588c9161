// vrrp_track_process rules without processes: matching (comm, full_command, param_match), the
// quorum with fork/terminate delays on a fake clock, the effect on priority and FAULT, and the
// keywords as keepalived's parser takes them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchesProcess, parseCmdline } from '../../../src/vrrp/tracking/process-match.js';
import { ProcessQuorum, type QuorumDef, type QuorumTimers } from '../../../src/vrrp/tracking/process-quorum.js';
import { computeTracking } from '../../../src/vrrp/tracking/index.js';
import { engineConfigFromModel } from '../../../src/daemon/vrrp-from-config.js';
import { parseText, codes } from '../config/parse-helpers.js';

describe('process matching (keepalived track_process.c)', () => {
  const haproxy = { comm: 'haproxy', argv: ['/usr/sbin/haproxy', '-Ws', '-f', '/etc/haproxy/haproxy.cfg'] };
  it('by comm, exactly: no substring, no path', () => {
    assert.equal(matchesProcess({ process: 'haproxy', fullCommand: false }, haproxy), true);
    assert.equal(matchesProcess({ process: 'hap', fullCommand: false }, haproxy), false);
    assert.equal(matchesProcess({ process: '/usr/sbin/haproxy', fullCommand: false }, haproxy), false);
  });
  it('a name longer than comm\'s 15 characters never matches by comm', () => {
    assert.equal(matchesProcess({ process: 'a-very-long-process', fullCommand: false }, { comm: 'a-very-long-pro' }), false);
  });
  it('full_command compares argv[0]; parameters exact, partial, initial', () => {
    const p = (params: string[] | undefined, paramMatch?: 'exact' | 'initial' | 'partial') =>
      matchesProcess({ process: '/usr/sbin/haproxy', fullCommand: true, ...(params ? { params } : {}), ...(paramMatch ? { paramMatch } : {}) }, haproxy);
    assert.equal(p(undefined), true, 'argv[0] only');
    assert.equal(p(['-Ws', '-f', '/etc/haproxy/haproxy.cfg'], 'exact'), true);
    assert.equal(p(['-Ws', '-f'], 'exact'), false, 'exact: no more arguments than configured');
    assert.equal(p([], 'exact'), false, 'param_match alone: a command without parameters');
    assert.equal(p(['-Ws', '-f'], 'partial'), true, 'partial: the first ones');
    assert.equal(p(['-Ws', '-f', '/etc/hap'], 'partial'), false);
    assert.equal(p(['-Ws', '-f', '/etc/hap'], 'initial'), true, 'initial: the last one as a prefix');
    assert.equal(p(['-W', '-f'], 'initial'), false, 'initial: only the last one is a prefix');
    assert.equal(p([], 'initial'), true);
    assert.equal(matchesProcess({ process: 'haproxy', fullCommand: true }, haproxy), false, 'full_command is the whole argv[0]');
  });
  it('cmdline: NUL-separated with a trailing NUL; empty for kernel threads', () => {
    assert.deepEqual(parseCmdline('/bin/sleep\u0000600\u0000'), ['/bin/sleep', '600']);
    assert.deepEqual(parseCmdline('a b\u0000\u0000c\u0000'), ['a b', '', 'c']);
    assert.deepEqual(parseCmdline(''), []);
  });
});

/** Timers on a clock the test moves. */
class FakeTimers implements QuorumTimers {
  now = 0;
  private pending: Array<{ at: number; fn: () => void; live: boolean }> = [];
  set(fn: () => void, ms: number): () => void {
    const t = { at: this.now + ms, fn, live: true };
    this.pending.push(t);
    return () => { t.live = false; };
  }
  advance(ms: number): void {
    this.now += ms;
    for (const t of this.pending.filter((x) => x.live && x.at <= this.now)) { t.live = false; t.fn(); }
  }
}

function quorum(over: Partial<QuorumDef> = {}): { q: ProcessQuorum; t: FakeTimers; seen: boolean[] } {
  const t = new FakeTimers();
  const seen: boolean[] = [];
  const q = new ProcessQuorum({ name: 'p', quorum: 1, forkDelayMs: 0, terminateDelayMs: 0, ...over }, t, (up) => seen.push(up));
  return { q, t, seen };
}

describe('process quorum and delays', () => {
  it('quorum 2: up at the second process, down below it', () => {
    const { q, seen } = quorum({ quorum: 2 });
    q.change(1, 'fork');
    assert.deepEqual(seen, []);
    q.change(1, 'fork');
    q.change(1, 'fork');
    q.change(-1, 'exit');
    assert.deepEqual(seen, [true]);
    q.change(-1, 'exit');
    assert.deepEqual(seen, [true, false]);
  });
  it('quorum_max: too many processes is a failure; quorum_max 0 means "must not run"', () => {
    const a = quorum({ quorum: 1, quorumMax: 1 });
    a.q.setCount(1);
    a.q.change(1, 'fork');
    assert.deepEqual(a.seen, [true, false]);
    const none = quorum({ quorum: 0, quorumMax: 0 });
    assert.equal(none.q.hasQuorum, true, 'nothing running: OK before any scan');
    none.q.change(1, 'fork');
    assert.deepEqual(none.seen, [false]);
  });
  it('terminate_delay: a process back within the delay changes nothing; gone for longer, the loss counts when the delay ends', () => {
    const { q, t, seen } = quorum({ terminateDelayMs: 1000 });
    q.setCount(1);
    q.change(-1, 'exit');
    t.advance(900);
    q.change(1, 'fork');
    t.advance(5000);
    assert.deepEqual(seen, [true], 'restart within the delay: no change');
    q.change(-1, 'exit');
    t.advance(999);
    assert.deepEqual(seen, [true]);
    t.advance(1);
    assert.deepEqual(seen, [true, false]);
  });
  it('fork_delay: the gain counts only after the delay; an exit meanwhile cancels it', () => {
    const { q, t, seen } = quorum({ forkDelayMs: 500 });
    q.change(1, 'fork');
    q.change(-1, 'exit');
    t.advance(1000);
    assert.deepEqual(seen, []);
    q.change(1, 'fork');
    t.advance(500);
    assert.deepEqual(seen, [true]);
  });
  it('a scan or an exec applies at once and cancels a pending delay', () => {
    const { q, t, seen } = quorum({ terminateDelayMs: 1000 });
    q.setCount(1);
    q.change(-1, 'exit');
    q.change(1, 'immediate');
    q.change(-1, 'immediate');
    assert.deepEqual(seen, [true, false]);
    t.advance(2000);
    assert.deepEqual(seen, [true, false], 'the cancelled timer fires nothing');
  });
});

describe('track_process in the effective priority (vrrp_track.c)', () => {
  const prio = (quorumOk: boolean, weight: number, reverse = false) => computeTracking({ basePriority: 100, processes: [{ name: 'p', quorum: quorumOk, weight, ...(reverse ? { reverse } : {}) }] });
  it('weight 0: quorum lost is FAULT; reverse: quorum held is FAULT', () => {
    assert.equal(prio(true, 0).fault, false);
    assert.deepEqual(prio(false, 0).faultReasons, ['tracked process p quorum not achieved']);
    assert.equal(prio(true, 0, true).fault, true);
    assert.equal(prio(false, 0, true).fault, false);
  });
  it('a positive weight is added while the quorum holds, a negative one while it does not; reverse flips the sign', () => {
    assert.equal(prio(true, 20).priority, 120);
    assert.equal(prio(false, 20).priority, 100);
    assert.equal(prio(false, -30).priority, 70);
    assert.equal(prio(true, -30).priority, 100);
    assert.equal(prio(true, 20, true).priority, 80);
    assert.equal(prio(false, -30, true).priority, 130);
  });
});

describe('vrrp_track_process keywords', () => {
  const conf = (body: string, extra = ''): string => `vrrp_track_process tp {\n${body}\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 5\n priority 100\n virtual_ipaddress { 10.0.0.1 }\n track_process {\n  tp${extra}\n }\n}\n`;
  const model = (body: string) => parseText(conf(body), { validate: true });
  it('parameters after the name: full_command with an exact match unless param_match says otherwise', () => {
    const r = model('process /usr/sbin/haproxy -Ws "-f x"');
    assert.deepEqual(codes(r), []);
    const p = r.model.vrrpTrackProcesses[0]!;
    assert.deepEqual([p.process, p.params, p.paramMatch, p.fullCommand], ['/usr/sbin/haproxy', ['-Ws', '-f x'], 'exact', true]);
    assert.equal(model('param_match initial\nprocess a b').model.vrrpTrackProcesses[0]!.paramMatch, 'initial');
    const bare = model('process a\nparam_match').model.vrrpTrackProcesses[0]!;
    assert.deepEqual([bare.paramMatch, bare.fullCommand, bare.params], ['exact', true, undefined]);
    assert.deepEqual(codes(model('process a\nparam_match sometimes')), ['param-match']);
  });
  it('quorum and quorum_max check each other in the order written; quorum_max 0 sets quorum 0', () => {
    const q = (body: string) => { const r = model(`process a\n${body}`); const p = r.model.vrrpTrackProcesses[0]!; return [p.quorum, p.quorumMax, codes(r)]; };
    assert.deepEqual(q('quorum 2\nquorum_max 3'), [2, 3, []]);
    assert.deepEqual(q('quorum_max 1\nquorum 2'), [1, 1, ['quorum-range']]);
    assert.deepEqual(q('quorum 3\nquorum_max 2'), [3, undefined, ['quorum-range']]);
    assert.deepEqual(q('quorum_max 0'), [0, 0, []]);
    assert.deepEqual(q('quorum 2\nquorum_max 0'), [2, undefined, ['quorum-range']]);
  });
  it('delay sets both delays; a block without process is removed and its users told', () => {
    const p = model('process a\ndelay 1.5').model.vrrpTrackProcesses[0]!;
    assert.deepEqual([p.forkDelayMs, p.terminateDelayMs], [1500, 1500]);
    const r = model('weight 10');
    assert.deepEqual(codes(r), ['process-missing', 'undefined-track-process']);
    assert.equal(r.model.vrrpTrackProcesses.length, 0);
  });
  it('the engine gets the definitions that an instance tracks, with the instance\'s weight over the default', () => {
    const r = parseText(conf('process haproxy\nweight 10\nquorum 2', ' weight -20 reverse'), { validate: true });
    const e = engineConfigFromModel(r.model);
    assert.deepEqual(e.processes, [{ name: 'tp', process: 'haproxy', fullCommand: false, quorum: 2, forkDelayMs: 0, terminateDelayMs: 0 }]);
    assert.deepEqual(e.instances[0]!.trackProcesses, [{ name: 'tp', weight: -20, reverse: true }]);
  });
});
