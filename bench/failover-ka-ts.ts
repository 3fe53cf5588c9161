// ka-ts as a failover-bench director: the real daemon (`ka-ts -P -n -l -f keepalived.conf`) in
// the director's namespace, on the same keepalived.conf the keepalived director runs.
import { KaTsDaemon } from '../test/integration/lib/ka-ts-daemon.js';
import { VIP, VRID, type DirectorKind } from './failover-directors.js';

export const kaTsKind: DirectorKind = {
  name: 'ka-ts',
  async start(lab, ns, role, timing) {
    const d = KaTsDaemon.fromPeerSpec(lab, ns, {
      routerId: role.routerId,
      instances: [{
        name: 'VI_1', interface: 'eth0', vrid: VRID, priority: role.priority, state: role.state,
        advertInt: timing.advertInt, version: timing.version, vips: [`${VIP}/24`], garpMasterDelay: 0,
      }],
    });
    return {
      crash: () => d.crash(),
      stop: async () => { await d.stop(5000); d.removeFiles(); },
      logTail: () => d.log.slice(-10).join('\n'),
    };
  },
};
