// keepalived.conf for an LVS-NAT director of the e2e topology, as the LVS-NAT how-to sets it up:
// the VIP on the front and the DIP (the real servers' gateway) on the back, two VRRP instances in
// one sync group so they always move together, and one NAT virtual server with an HTTP_GET check
// per real server whose notify_up/notify_down log the checker's verdicts with a timestamp (in
// the same notify log as the VRRP transitions: "RS <address> UP|DOWN"). keepalived 2.2.7 -t accepts it; its only complaint (exit 6, as ka-ts -t) is
// the notify script running without enable_script_security.
import { DIP, RS_PORT, VIP, VIP_PORT } from './e2e-director-topology.js';

export const SYNC_GROUP = 'G_LVS';
export const VI_FRONT = 'VI_FRONT';
export const VI_BACK = 'VI_BACK';

export interface DirectorConfOptions {
  routerId: string;
  priority: number;
  /** VRRPv3 advert interval in seconds. */
  advertIntS: number;
  realServers: readonly string[];
}

export function directorConf(o: DirectorConfOptions): string {
  const instance = (name: string, ifname: string, vrid: number, vip: string): string => `
vrrp_instance ${name} {
    state BACKUP
    interface ${ifname}
    virtual_router_id ${vrid}
    version 3
    priority ${o.priority}
    advert_int ${o.advertIntS}
    virtual_ipaddress {
        ${vip}/24
    }
    notify %NOTIFY%
}`;
  const realServer = (addr: string): string => `
    real_server ${addr} ${RS_PORT} {
        weight 1
        notify_up "%NOTIFY% RS ${addr} UP 0"
        notify_down "%NOTIFY% RS ${addr} DOWN 0"
        HTTP_GET {
            url {
                path /health
                status_code 200
            }
            connect_timeout 1
            retry 1
            delay_before_retry 1
        }
    }`;
  return `
global_defs {
    router_id ${o.routerId}
    vrrp_garp_master_delay 0
}
vrrp_sync_group ${SYNC_GROUP} {
    group {
        ${VI_FRONT}
        ${VI_BACK}
    }
    notify %NOTIFY%
}
${instance(VI_FRONT, 'eth0', 61, VIP)}
${instance(VI_BACK, 'eth1', 62, DIP)}
virtual_server ${VIP} ${VIP_PORT} {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
${o.realServers.map(realServer).join('\n')}
}
`;
}
