// The addon's small helpers: sd_notify / unix datagrams (path and abstract names) received by a
// real unix datagram socket (python3's, as Node has none), and a real-time signal watch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativeAvailable, realtimeSignalRange, sdNotify, sendUnixDatagram, watchRealtimeSignal } from '../../../src/native/addon.js';

const skip = nativeAvailable() ? undefined : 'native addon not built (npx node-gyp rebuild --directory native --nodedir=/usr)';
const PY = '/usr/bin/python3';

/** Binds a unix datagram socket at `addr` ('@name' = abstract), prints "ready", then the first datagram. */
function receiver(addr: string): Promise<{ ready: Promise<void>; data: Promise<string>; kill: () => void }> {
  const code = `import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\na=sys.argv[1]\ns.bind('\\0'+a[1:] if a.startswith('@') else a)\nprint('ready',flush=True)\nprint(s.recv(4096).decode(),flush=True)\n`;
  const child = spawn(PY, ['-c', code, addr], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let readyRes!: () => void;
  let dataRes!: (s: string) => void;
  const ready = new Promise<void>((r) => { readyRes = r; });
  const data = new Promise<string>((r) => { dataRes = r; });
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const lines = out.split('\n');
    if (lines[0] === 'ready') readyRes();
    if (lines.length >= 3) dataRes(lines[1]!);
  });
  return Promise.resolve({ ready, data, kill: () => { if (child.exitCode === null) child.kill('SIGKILL'); } });
}

test('sd_notify to a path socket and to an abstract socket', { skip: skip ?? (existsSync(PY) ? undefined : 'python3 not installed (test receiver)') }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kt-vio-notify-'));
  const path = join(dir, 'notify.sock');
  const abstract = `@kt-vio-notify-${process.pid}`;
  const r1 = await receiver(path);
  const r2 = await receiver(abstract);
  try {
    await Promise.all([r1.ready, r2.ready]);
    assert.equal(sdNotify('READY=1', { NOTIFY_SOCKET: path }), true);
    assert.equal(await r1.data, 'READY=1');
    assert.equal(sendUnixDatagram(abstract, Buffer.from('STATUS=hello')), 12);
    assert.equal(await r2.data, 'STATUS=hello');
    assert.equal(sdNotify('READY=1', {}), false);
    assert.throws(() => sendUnixDatagram(join(dir, 'absent.sock'), Buffer.from('x')), (e: Error & { code?: string }) => e.code === 'ENOENT');
  } finally {
    r1.kill();
    r2.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('real-time signal watch (keepalived SIGJSON = SIGRTMIN+2)', { skip }, async () => {
  const { min, max } = realtimeSignalRange();
  assert.equal(min, 34);
  assert.equal(max, 64);
  const got: number[] = [];
  const stop = watchRealtimeSignal(36, (n) => got.push(n));
  try {
    process.kill(process.pid, 36);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(got, [36]);
  } finally {
    stop();
    stop(); // a second stop is harmless
  }
  assert.throws(() => watchRealtimeSignal(15, () => {}), RangeError);
});
