import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { IpLinkPort } from '../../../src/vrrp/engine/ip-link-port.js';

/** PIDs of our own `ip -o monitor link` children (by parent pid, never by name system-wide). */
function monitorChildren(): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  } catch { return []; }
  return out.split('\n').map((l) => l.trim()).filter((l) => /\bip -o monitor link\b/.test(l)).map((l) => Number(l.split(/\s+/)[0]));
}

test('ip link port: a monitor that died just before stop is not restarted after stop', async () => {
  const port = new IpLinkPort();
  const stop = port.watch(() => {});
  try {
    let pids: number[] = [];
    for (let i = 0; i < 50 && pids.length === 0; i++) { await sleep(20); pids = monitorChildren(); }
    assert.equal(pids.length, 1, 'one monitor running');
    process.kill(pids[0]!, 'SIGKILL');
    // Let the exit event arrive (it arms the 200 ms restart), then stop before the restart fires.
    for (let i = 0; i < 50 && monitorChildren().length > 0; i++) await sleep(10);
    await sleep(20);
    stop();
    await sleep(400);
    assert.deepEqual(monitorChildren(), [], 'no monitor spawned after stop');
  } finally {
    stop();
    for (const pid of monitorChildren()) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  }
});
