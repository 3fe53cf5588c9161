// The two kinds of director the failover bench compares, behind one small interface: how to start
// one with a role (priority, start state) and timing (VRRP version, advert_int), how to crash it
// and how to stop it gracefully.
import type { NetnsLab } from '../test/integration/lib/netns.js';
import { KeepalivedPeer } from '../test/integration/lib/keepalived-peer.js';

export interface Timing {
  version: 2 | 3;
  /** Seconds. */
  advertInt: number;
}

export interface Role {
  routerId: string;
  priority: number;
  state: 'MASTER' | 'BACKUP';
}

export const VRID = 51;
export const VIP = '10.77.0.100';

export interface DirectorHandle {
  /** No goodbye: SIGKILL (the VIPs stay in the kernel, as after a real crash of the daemon). */
  crash(): void;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** Last lines of the daemon's log, for error messages. */
  logTail(): string;
}

export interface DirectorKind {
  name: string;
  start(lab: NetnsLab, ns: string, role: Role, timing: Timing): Promise<DirectorHandle>;
}

export const keepalivedKind: DirectorKind = {
  name: 'keepalived',
  async start(lab, ns, role, timing) {
    const peer = KeepalivedPeer.start(lab, ns, {
      routerId: role.routerId,
      instances: [{
        name: 'VI_1', interface: 'eth0', vrid: VRID, priority: role.priority, state: role.state,
        advertInt: timing.advertInt, version: timing.version, vips: [`${VIP}/24`], garpMasterDelay: 0,
      }],
    });
    return {
      crash: () => peer.crash(),
      stop: async () => { await peer.stop(); peer.removeFiles(); },
      logTail: () => peer.log.slice(-10).join('\n'),
    };
  },
};
