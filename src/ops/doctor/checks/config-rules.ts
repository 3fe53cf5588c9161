// Checks on the config alone (pure): DR/TUN cannot remap ports, and persistence on a hashing
// scheduler is redundant.
import type { LabConfig } from '../../lab/lab-config.js';
import type { Finding } from '../finding.js';

export function checkPortMismatch(cfg: LabConfig): Finding[] {
  const out: Finding[] = [];
  for (const vs of cfg.virtualServers.filter((v) => v.lbKind !== 'NAT' && v.port !== 0)) {
    for (const rs of vs.realServers.filter((r) => r.port !== vs.port)) {
      out.push({ id: 'port-mismatch', severity: 'error', where: `${cfg.file}:${rs.line}`,
        what: `real_server ${rs.address} ${rs.port} behind ${vs.lbKind} virtual_server ${vs.address} ${vs.port}: the ports differ`,
        why: `${vs.lbKind} forwards the packet unchanged (only the MAC or an outer header changes), so it still goes to port ${vs.port}; the real server's service on ${rs.port} never sees it`,
        fix: `use real_server ${rs.address} ${vs.port}, or make the service listen on ${vs.port}; only lb_kind NAT can map ${vs.port} to ${rs.port}` });
    }
  }
  return out;
}

const HASHING = new Set(['sh', 'dh', 'mh']);

export function checkPersistenceScheduler(cfg: LabConfig): Finding[] {
  const out: Finding[] = [];
  for (const vs of cfg.virtualServers.filter((v) => v.persistenceTimeout !== undefined && v.persistenceTimeout > 0)) {
    if (HASHING.has(vs.lbAlgo)) {
      out.push({ id: 'persistence-with-hash-scheduler', severity: 'warning', where: `${cfg.file}:${vs.line}`,
        what: `virtual_server ${vs.address} ${vs.port} combines persistence_timeout ${vs.persistenceTimeout} with lb_algo ${vs.lbAlgo}`,
        why: `${vs.lbAlgo} already sends a client to the same real server by hashing its address; persistence adds a template per client and keeps clients on a server even after the hash would move them (uneven load after a server returns)`,
        fix: `remove persistence_timeout (the hash is the persistence), or use lb_algo wlc/rr with persistence_timeout` });
    } else if (vs.lbAlgo === 'lblc' || vs.lbAlgo === 'lblcr') {
      out.push({ id: 'persistence-with-locality-scheduler', severity: 'info', where: `${cfg.file}:${vs.line}`,
        what: `virtual_server ${vs.address} ${vs.port} uses persistence with ${vs.lbAlgo}`,
        why: `${vs.lbAlgo} schedules by destination address for caches; per-client persistence works against that`,
        fix: 'drop persistence_timeout or use wlc' });
    }
  }
  return out;
}
