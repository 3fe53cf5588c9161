// Where a daemon keeps its pid files and control socket. keepalived puts pid files under /run
// and, with -s NAMESPACE, under /run/keepalived/NAMESPACE/ so that one daemon per namespace can
// run on a host; ka-ts does the same under /run/ka-ts/, and also recognises the namespace it was
// started in by `ip netns exec` (tests and labs do that) so those daemons never collide either.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const RUN_DIR = '/run/ka-ts';

export interface DaemonPaths {
  dir: string;
  pidFile: string;
  vrrpPidFile: string;
  checkersPidFile: string;
  controlSocket: string;
}

/** The name of the network namespace this process runs in, as `ip netns identify` reports it. */
export function currentNetnsName(): string | undefined {
  const r = spawnSync('ip', ['netns', 'identify', String(process.pid)], { encoding: 'utf8', timeout: 2000 });
  const name = r.status === 0 ? r.stdout.trim() : '';
  return name === '' ? undefined : name;
}

export interface PathOverrides {
  namespace?: string;
  pidFile?: string;
  vrrpPidFile?: string;
  checkersPidFile?: string;
  controlSocket?: string;
}

export function daemonPaths(o: PathOverrides, netns: string | undefined = o.namespace ?? currentNetnsName()): DaemonPaths {
  const dir = netns ? join(RUN_DIR, netns) : RUN_DIR;
  return {
    dir,
    pidFile: o.pidFile ?? join(dir, 'ka-ts.pid'),
    vrrpPidFile: o.vrrpPidFile ?? join(dir, 'ka-ts-vrrp.pid'),
    checkersPidFile: o.checkersPidFile ?? join(dir, 'ka-ts-checkers.pid'),
    controlSocket: o.controlSocket ?? join(dir, 'ka-ts.sock'),
  };
}
