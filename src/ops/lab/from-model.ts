// Maps the shared config model (src/config/model.ts, from the team's full parser) to the few
// facts the lab, drill and doctor use, so they read every config the daemon reads (includes,
// conditionals, $definitions) with the same locations in their findings.
import type { KeepalivedConfig } from '../../config/model.js';
import type { LabConfig } from './lab-config.js';

export function labConfigFromModel(m: KeepalivedConfig, text: string): LabConfig {
  const notifyScripts: LabConfig['notifyScripts'] = [];
  const addNotify = (owner: string, n: Record<string, string | undefined>, line: number): void => {
    for (const cmd of Object.values(n)) if (cmd) notifyScripts.push({ owner, command: cmd, line });
  };
  for (const i of m.vrrpInstances) addNotify(`vrrp_instance ${i.name}`, { ...i.notify }, i.loc.line);
  for (const g of m.vrrpSyncGroups) addNotify(`vrrp_sync_group ${g.name}`, { ...g.notify }, g.loc.line);
  const virtualServers: LabConfig['virtualServers'] = [];
  for (const vs of m.virtualServers) {
    if (vs.key.kind !== 'ip') continue; // fwmark and group services have no single address to build or probe
    for (const rs of vs.realServers) {
      for (const c of rs.checkers) if (c.type === 'MISC_CHECK' && c.miscPath) notifyScripts.push({ owner: `real_server ${rs.address} ${rs.port}`, command: c.miscPath, line: rs.loc.line });
      addNotify(`real_server ${rs.address} ${rs.port}`, { up: rs.notifyUp, down: rs.notifyDown }, rs.loc.line);
    }
    virtualServers.push({
      address: vs.key.address,
      port: vs.key.port,
      protocol: vs.protocol === 'UDP' ? 'udp' : 'tcp',
      lbKind: vs.lbKind,
      lbAlgo: vs.lbAlgo,
      ...(vs.persistenceTimeoutS !== undefined ? { persistenceTimeout: vs.persistenceTimeoutS } : {}),
      realServers: vs.realServers.map((r) => ({ address: r.address, port: r.port, weight: r.weight, line: r.loc.line })),
      line: vs.loc.line,
    });
  }
  return {
    file: m.file,
    text,
    instances: m.vrrpInstances.map((i) => ({
      name: i.name,
      interface: i.interface ?? '',
      vrid: i.virtualRouterId,
      priority: i.priority,
      advertInt: i.advertIntMs / 1000,
      state: i.state,
      vips: i.virtualIpaddresses.map((v) => ({ address: v.address, prefix: v.prefixLen, ...(v.dev ? { dev: v.dev } : {}) })),
      trackScripts: i.trackScripts.map((t) => t.name),
      unicastPeers: i.unicastPeers.map((p) => p.address),
      line: i.loc.line,
    })),
    syncGroups: m.vrrpSyncGroups.map((g) => ({ name: g.name, members: [...g.group] })),
    virtualServers,
    scripts: m.vrrpScripts.map((s) => ({ name: s.name, command: s.script ?? '', line: s.loc.line })),
    notifyScripts,
    scriptSecurity: m.globalDefs.enableScriptSecurity,
    vrrpVersion: m.globalDefs.vrrpVersion,
  };
}
