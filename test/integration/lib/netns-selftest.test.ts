import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NetnsLab, rootSkipReason } from './netns.js';

test('netns lab: two namespaces ping each other over a bridge, and cleanup removes them', { skip: rootSkipReason() }, async () => {
  const lab = new NetnsLab('self');
  let names: string[] = [];
  try {
    const sw = await lab.addNs('sw');
    const a = await lab.addNs('a');
    const b = await lab.addNs('b');
    names = [sw, a, b];
    await lab.bridge(sw, 'br0');
    await lab.plugIntoBridge(a, 'eth0', sw, 'br0', 'pa');
    await lab.plugIntoBridge(b, 'eth0', sw, 'br0', 'pb');
    await lab.addAddr(a, 'eth0', '10.9.0.1/24');
    await lab.addAddr(b, 'eth0', '10.9.0.2/24');
    const r = await lab.exec(a, 'ping', ['-c', '1', '-W', '2', '10.9.0.2']);
    assert.equal(r.code, 0);
  } finally {
    await lab.cleanup();
  }
  const { execFileSync } = await import('node:child_process');
  const left = execFileSync('ip', ['netns', 'list']).toString();
  for (const n of names) assert.ok(!left.includes(n), `${n} still present`);
});
