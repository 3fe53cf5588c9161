// Desired vs actual table → the smallest ordered list of changes (pure).
//
// Order matters for traffic: new destinations are added before old ones are deleted, so a service
// that swaps its whole pool never has an empty moment; services are deleted last. Only services in
// `managed` (the ones ka-ts configured or adopted) are ever deleted: a table shared with other
// tools keeps their entries.
import type { Change } from './changes.js';
import { destKey, serviceKey, type Destination, type IpvsTable, type Service, type ServiceEntry, type SyncDaemon, type Timeouts } from './table.js';

export function sameSettings(a: Service, b: Service): boolean {
  return a.scheduler === b.scheduler
    && a.ops === b.ops
    && a.flags.join(',') === b.flags.join(',')
    && (a.persistence?.timeout ?? 0) === (b.persistence?.timeout ?? 0)
    && (a.persistence?.netmask ?? '') === (b.persistence?.netmask ?? '')
    && (a.persistenceEngine ?? '') === (b.persistenceEngine ?? '');
}

export function sameDest(a: Destination, b: Destination): boolean {
  return a.method === b.method
    && a.weight === b.weight
    && a.upperThreshold === b.upperThreshold
    && a.lowerThreshold === b.lowerThreshold
    && (a.tunnel?.type ?? 'ipip') === (b.tunnel?.type ?? 'ipip')
    && (a.tunnel?.port ?? 0) === (b.tunnel?.port ?? 0)
    && (a.tunnel?.checksum ?? '') === (b.tunnel?.checksum ?? '');
}

function sameDaemon(a: SyncDaemon, b: SyncDaemon): boolean {
  return a.role === b.role && a.iface === b.iface && a.syncId === b.syncId
    && (a.maxLen === undefined || b.maxLen === undefined || a.maxLen === b.maxLen)
    && (a.group === undefined || b.group === undefined || a.group === b.group)
    && (a.port === undefined || b.port === undefined || a.port === b.port)
    && (a.ttl === undefined || b.ttl === undefined || a.ttl === b.ttl);
}

function timeoutChange(want: Timeouts | undefined, have: Timeouts | undefined): Change[] {
  if (!want) return [];
  const fields = ['tcp', 'tcpfin', 'udp'] as const;
  const differs = fields.some((f) => want[f] !== undefined && want[f] !== have?.[f]);
  return differs ? [{ op: 'set-timeouts', timeouts: { ...want } }] : [];
}

function destChanges(want: ServiceEntry, have: ServiceEntry | undefined): { adds: Change[]; edits: Change[]; deletes: Change[] } {
  const id = want.service.id;
  const adds: Change[] = [];
  const edits: Change[] = [];
  const deletes: Change[] = [];
  for (const [k, d] of want.dests) {
    const cur = have?.dests.get(k);
    if (!cur) adds.push({ op: 'add-dest', service: id, dest: d });
    else if (!sameDest(d, cur)) edits.push({ op: 'edit-dest', service: id, dest: d, previous: cur });
  }
  if (have) for (const [k, d] of have.dests) if (!want.dests.has(k)) deletes.push({ op: 'delete-dest', service: id, dest: d });
  return { adds, edits, deletes };
}

export function diffTables(desired: IpvsTable, actual: IpvsTable, managed: ReadonlySet<string>): Change[] {
  const out: Change[] = [];
  out.push(...timeoutChange(desired.timeouts, actual.timeouts));

  const starts: Change[] = [];
  if (desired.syncDaemons) {
    const have = actual.syncDaemons ?? [];
    for (const h of have) {
      const w = desired.syncDaemons.find((d) => d.role === h.role);
      if (!w || !sameDaemon(w, h)) out.push({ op: 'stop-sync-daemon', daemon: h });
    }
    for (const w of desired.syncDaemons) {
      const h = have.find((d) => d.role === w.role);
      if (!h || !sameDaemon(w, h)) starts.push({ op: 'start-sync-daemon', daemon: w });
    }
  }

  const serviceEdits: Change[] = [];
  const serviceAdds: Change[] = [];
  const destAdds: Change[] = [];
  const destEdits: Change[] = [];
  const destDeletes: Change[] = [];
  for (const [k, want] of desired.services) {
    const have = actual.services.get(k);
    if (!have) serviceAdds.push({ op: 'add-service', service: want.service });
    else if (!sameSettings(want.service, have.service)) serviceEdits.push({ op: 'edit-service', service: want.service, previous: have.service });
    const d = destChanges(want, have);
    destAdds.push(...d.adds);
    destEdits.push(...d.edits);
    destDeletes.push(...d.deletes);
  }
  const serviceDeletes: Change[] = [];
  for (const [k, have] of actual.services) {
    if (!desired.services.has(k) && managed.has(k)) serviceDeletes.push({ op: 'delete-service', service: have.service });
  }
  out.push(...serviceEdits, ...serviceAdds, ...destAdds, ...destEdits, ...destDeletes, ...serviceDeletes, ...starts);
  return out;
}

/** Applies changes to a table model (what the table should look like once they succeeded). */
export function applyToTable(t: IpvsTable, changes: readonly Change[]): void {
  const keyOf = serviceKey;
  const destKeyOf = destKey;
  for (const c of changes) {
    switch (c.op) {
      case 'add-service':
        t.services.set(keyOf(c.service.id), { service: structuredClone(c.service), dests: new Map() });
        break;
      case 'edit-service': {
        const e = t.services.get(keyOf(c.service.id));
        if (e) e.service = structuredClone(c.service);
        break;
      }
      case 'delete-service':
        t.services.delete(keyOf(c.service.id));
        break;
      case 'add-dest':
      case 'edit-dest':
        t.services.get(keyOf(c.service))?.dests.set(destKeyOf(c.dest), structuredClone(c.dest));
        break;
      case 'delete-dest':
        t.services.get(keyOf(c.service))?.dests.delete(destKeyOf(c.dest));
        break;
      case 'set-timeouts': {
        const cur = t.timeouts ?? {};
        t.timeouts = { ...cur, ...Object.fromEntries(Object.entries(c.timeouts).filter(([, v]) => v !== undefined && v !== 0)) };
        break;
      }
      case 'start-sync-daemon':
        t.syncDaemons = [...(t.syncDaemons ?? []).filter((d) => d.role !== c.daemon.role), { ...c.daemon }];
        break;
      case 'stop-sync-daemon':
        t.syncDaemons = (t.syncDaemons ?? []).filter((d) => d.role !== c.daemon.role);
        break;
    }
  }
}

/**
 * `t` with `changes` applied, leaving `t` as it was. Entries the changes do not touch are shared,
 * not copied: the backends and the reconciler treat tables as values, and copying 5,000 services
 * to record one weight change would cost more than the change.
 */
export function withChanges(t: IpvsTable, changes: readonly Change[]): IpvsTable {
  const out: IpvsTable = { ...t, services: new Map(t.services) };
  const copied = new Set<string>();
  for (const c of changes) {
    // Copy on write: applyToTable edits an entry in place (its service, its destination map).
    const k = 'dest' in c ? serviceKey(c.service) : c.op === 'edit-service' ? serviceKey(c.service.id) : undefined;
    if (k === undefined || copied.has(k)) continue;
    copied.add(k);
    const e = out.services.get(k);
    if (e) out.services.set(k, { service: e.service, dests: new Map(e.dests) });
  }
  applyToTable(out, changes);
  return out;
}
