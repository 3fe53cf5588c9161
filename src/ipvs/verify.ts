// Did each change take effect? `ipvsadm -R` keeps going after a bad line and its exit status only
// reflects the last one, so the backends read the table back and judge every change by the result.
import type { Change, ChangeOutcome } from './changes.js';
import { sameDest, sameSettings } from './diff.js';
import { destKey, serviceKey, type IpvsTable } from './table.js';

export function changeTookEffect(c: Change, t: IpvsTable): boolean {
  switch (c.op) {
    case 'add-service':
    case 'edit-service': {
      const e = t.services.get(serviceKey(c.service.id));
      return e !== undefined && sameSettings(e.service, c.service);
    }
    case 'delete-service':
      return !t.services.has(serviceKey(c.service.id));
    case 'add-dest':
    case 'edit-dest': {
      const d = t.services.get(serviceKey(c.service))?.dests.get(destKey(c.dest));
      return d !== undefined && sameDest(d, c.dest);
    }
    case 'delete-dest':
      return !t.services.get(serviceKey(c.service))?.dests.has(destKey(c.dest));
    case 'set-timeouts':
      return (['tcp', 'tcpfin', 'udp'] as const).every((f) => !c.timeouts[f] || t.timeouts?.[f] === c.timeouts[f]);
    case 'start-sync-daemon':
      return (t.syncDaemons ?? []).some((d) => d.role === c.daemon.role && d.iface === c.daemon.iface && d.syncId === c.daemon.syncId);
    case 'stop-sync-daemon':
      return !(t.syncDaemons ?? []).some((d) => d.role === c.daemon.role);
  }
}

/** Outcomes from a read-back; `stderr` (the tool's complaints) goes on every failed change. */
export function judgeChanges(changes: readonly Change[], after: IpvsTable, stderr: string): ChangeOutcome[] {
  return changes.map((change) => changeTookEffect(change, after)
    ? { change, status: 'ok' as const }
    : { change, status: 'failed' as const, error: stderr.trim() || 'change not visible in the table read back' });
}
