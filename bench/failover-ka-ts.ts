// ka-ts as a failover-bench director: the standalone VRRP entry (src/vrrp/engine/standalone.ts)
// run with a JSON config in the director's namespace.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopProcess } from '../test/integration/lib/netns.js';
import type { StandaloneConfig } from '../src/vrrp/engine/standalone-config.js';
import { VIP, VRID, type DirectorKind } from './failover-directors.js';

export const standaloneEntry = fileURLToPath(new URL('../src/vrrp/engine/standalone.js', import.meta.url));

export const kaTsKind: DirectorKind = {
  name: 'ka-ts',
  async start(lab, ns, role, timing) {
    const dir = mkdtempSync(join(tmpdir(), 'kt-fobench-'));
    const conf: StandaloneConfig = {
      routerId: role.routerId,
      instances: [{
        name: 'VI_1', interface: 'eth0', vrid: VRID, priority: role.priority, state: role.state,
        advertInt: timing.advertInt, version: timing.version, vips: [`${VIP}/24`], garpMasterDelay: 0,
      }],
    };
    writeFileSync(join(dir, 'vrrp.json'), JSON.stringify(conf));
    const child = lab.spawn(ns, process.execPath, [standaloneEntry, join(dir, 'vrrp.json')]);
    const log: string[] = [];
    const collect = (b: Buffer): void => { for (const l of b.toString().split('\n')) if (l) log.push(l); if (log.length > 200) log.splice(0, 100); };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    return {
      crash: () => { child.kill('SIGKILL'); },
      stop: async () => { await stopProcess(child, 5000); rmSync(dir, { recursive: true, force: true }); },
      logTail: () => log.slice(-10).join('\n'),
    };
  },
};
