import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlServer } from '../../../src/daemon/control-server.js';
import { controlRequest, ControlClientError } from '../../../src/daemon/control-client.js';
import { parseControlRequest, ControlRequestError } from '../../../src/daemon/control-protocol.js';
import { PidFileInUseError, readPidFile, removePidFile, writePidFile } from '../../../src/daemon/pidfile.js';

test('control requests are validated with precise errors', () => {
  assert.deepEqual(parseControlRequest('{"cmd":"status"}'), { cmd: 'status' });
  assert.deepEqual(parseControlRequest('{"cmd":"demote","instance":"VI_1","priority":10}'), { cmd: 'demote', instance: 'VI_1', priority: 10 });
  assert.throws(() => parseControlRequest('nope'), /not JSON/);
  assert.throws(() => parseControlRequest('[]'), /JSON object/);
  assert.throws(() => parseControlRequest('{"cmd":"explode"}'), /unknown command "explode"/);
  assert.throws(() => parseControlRequest('{"cmd":"demote"}'), /needs "instance"/);
  assert.throws(() => parseControlRequest('{"cmd":"demote","instance":"x","priority":255}'), ControlRequestError);
});

test('control socket: mode 0600, replies, bad requests counted and harmless', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kats-ctl-'));
  const path = join(dir, 'ctl.sock');
  const server = new ControlServer(path, async (req) => {
    if (req.cmd === 'reload') throw new Error('reload failed for a reason');
    return { echoed: req.cmd };
  });
  try {
    await server.listen();
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(await controlRequest(path, { cmd: 'status' }), { echoed: 'status' });
    await assert.rejects(controlRequest(path, { cmd: 'reload' }), /reload failed for a reason/);
    const raw = await new Promise<string>((resolve) => {
      const s = connect(path);
      let buf = '';
      s.on('data', (c) => { buf += c.toString(); if (buf.includes('\n')) { s.end(); resolve(buf); } });
      s.write('garbage\n');
    });
    assert.match(raw, /"ok":false.*not JSON/);
    assert.deepEqual(await controlRequest(path, { cmd: 'stats' }), { echoed: 'stats' });
    assert.deepEqual(server.counters, { requests: 4, badRequests: 1, failedRequests: 1 });
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  await assert.rejects(controlRequest(path, { cmd: 'status' }), ControlClientError);
});

test('pid files: refuse a live owner, replace a stale one, remove only our own', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kats-pid-'));
  const file = join(dir, 'sub', 'k.pid');
  try {
    writePidFile(file);
    assert.equal(readPidFile(file), process.pid);
    assert.throws(() => writePidFile(file, process.pid + 1_000_000), PidFileInUseError);
    writeFileSync(file, '999999999\n'); // no such process: stale
    writePidFile(file);
    assert.equal(readPidFile(file), process.pid);
    removePidFile(file, 12345);
    assert.equal(readPidFile(file), process.pid);
    removePidFile(file);
    assert.equal(readPidFile(file), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
