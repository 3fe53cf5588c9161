// Changes → ipvsadm command lines, in the exact syntax `ipvsadm -R` reads and `ipvsadm -S -n`
// writes (option order as ipvsadm 1.31 prints it). Used by the ipvsadm backend and dry-run.
import type { Change } from './changes.js';
import { hostPort, serviceSelector, type Destination, type ServiceSettings, type SyncDaemon, type Timeouts } from './table.js';

const METHOD_OPT = { masq: '-m', route: '-g', tunnel: '-i' } as const;

export function serviceOptions(s: ServiceSettings): string {
  const parts = [`-s ${s.scheduler}`];
  if (s.persistence) {
    parts.push(`-p ${s.persistence.timeout}`);
    if (s.persistence.netmask !== undefined) parts.push(`-M ${s.persistence.netmask}`);
  }
  if (s.persistenceEngine) parts.push(`--pe ${s.persistenceEngine}`);
  if (s.flags.length > 0) parts.push(`-b ${s.flags.join(',')}`);
  if (s.ops) parts.push('-o');
  return parts.join(' ');
}

export function destOptions(d: Destination): string {
  const parts = [`-r ${hostPort(d.address, d.port)}`, METHOD_OPT[d.method], `-w ${d.weight}`];
  if (d.upperThreshold) parts.push(`-x ${d.upperThreshold}`);
  if (d.lowerThreshold) parts.push(`-y ${d.lowerThreshold}`);
  if (d.method === 'tunnel' && d.tunnel && d.tunnel.type !== 'ipip') {
    parts.push(`--tun-type ${d.tunnel.type}`);
    if (d.tunnel.port !== undefined) parts.push(`--tun-port ${d.tunnel.port}`);
    parts.push(`--tun-${d.tunnel.checksum ?? 'nocsum'}`);
  }
  return parts.join(' ');
}

export function timeoutArgs(t: Timeouts): string {
  return `--set ${t.tcp ?? 0} ${t.tcpfin ?? 0} ${t.udp ?? 0}`;
}

export function syncDaemonArgs(d: SyncDaemon): string {
  const parts = [`--start-daemon ${d.role}`, `--mcast-interface ${d.iface}`, `--syncid ${d.syncId}`];
  if (d.maxLen !== undefined) parts.push(`--sync-maxlen ${d.maxLen}`);
  if (d.group !== undefined) parts.push(`--mcast-group ${d.group}`);
  if (d.port !== undefined) parts.push(`--mcast-port ${d.port}`);
  if (d.ttl !== undefined) parts.push(`--mcast-ttl ${d.ttl}`);
  return parts.join(' ');
}

/** One ipvsadm command line (without the program name) for one change. */
export function ipvsadmLine(c: Change): string {
  switch (c.op) {
    case 'add-service': return `-A ${serviceSelector(c.service.id)} ${serviceOptions(c.service)}`;
    case 'edit-service': return `-E ${serviceSelector(c.service.id)} ${serviceOptions(c.service)}`;
    case 'delete-service': return `-D ${serviceSelector(c.service.id)}`;
    case 'add-dest': return `-a ${serviceSelector(c.service)} ${destOptions(c.dest)}`;
    case 'edit-dest': return `-e ${serviceSelector(c.service)} ${destOptions(c.dest)}`;
    case 'delete-dest': return `-d ${serviceSelector(c.service)} -r ${hostPort(c.dest.address, c.dest.port)}`;
    case 'set-timeouts': return timeoutArgs(c.timeouts);
    case 'start-sync-daemon': return syncDaemonArgs(c.daemon);
    case 'stop-sync-daemon': return `--stop-daemon ${c.daemon.role}`;
  }
}

/** The stdin of `ipvsadm -R` for a batch: one line per change, newline-terminated. */
export function ipvsadmRestoreInput(changes: readonly Change[]): string {
  return changes.map((c) => `${ipvsadmLine(c)}\n`).join('');
}
