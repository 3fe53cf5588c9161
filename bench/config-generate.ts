// Generates the benchmark configurations: N virtual_servers with 4 real_servers and one checker
// each (TCP_CHECK, HTTP_GET, MISC-free so no script security is involved), plus 50
// vrrp_instances on one interface with distinct VRIDs.
export function generateConfig(virtualServers: number, iface: string): string {
  const out: string[] = ['global_defs {\n    router_id bench\n}\n'];
  for (let i = 1; i <= 50; i++) {
    out.push(`vrrp_instance VI_${i} {\n    state BACKUP\n    interface ${iface}\n    virtual_router_id ${i}\n    priority 100\n    advert_int 1\n    virtual_ipaddress {\n        10.200.${i}.1/32\n    }\n}\n`);
  }
  for (let v = 0; v < virtualServers; v++) {
    const a = `10.${100 + Math.floor(v / 65536)}.${Math.floor(v / 256) % 256}.${v % 256}`;
    const lines = [`virtual_server ${a} 80 {`, '    delay_loop 6', '    lb_algo wrr', '    lb_kind NAT', '    protocol TCP'];
    for (let r = 1; r <= 4; r++) {
      const rs = `172.${16 + (v % 8)}.${Math.floor(v / 8) % 256}.${r}`;
      lines.push(`    real_server ${rs} 8080 {`, '        weight 1');
      if (v % 2 === 0) lines.push('        TCP_CHECK {', '            connect_timeout 3', '            retry 2', '        }');
      else lines.push('        HTTP_GET {', '            url {', '                path /health', '                status_code 200', '            }', '            connect_timeout 3', '        }');
      lines.push('    }');
    }
    lines.push('}\n');
    out.push(lines.join('\n'));
  }
  return out.join('\n');
}
