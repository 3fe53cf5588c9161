import type { Logger } from 'pino';
import type { NotifyOutcome } from '../notify.js';
import type { VrrpState } from '../snapshot.js';

/**
 * One log line per operational event, each with its reason, as issue 5 asks: VRRP state
 * transitions, check result changes, reloads, IPVS changes, notify scripts. Every record carries
 * an `event` field (stable, for log queries) and the structured facts; the message reads like
 * keepalived's where keepalived has one ("(VI_1) Entering MASTER STATE").
 */

export interface TransitionEvent {
  /** Instance name, or the sync group's name when `kind` is GROUP. */
  readonly instance: string;
  readonly kind?: 'INSTANCE' | 'GROUP';
  readonly from?: VrrpState;
  readonly to: VrrpState;
  readonly reason?: string;
  readonly priority?: number;
}

/** `(VI_1) Entering MASTER STATE (from BACKUP: master down timer expired)`, as keepalived words it. */
export function logTransition(log: Logger, e: TransitionEvent): void {
  const level = e.to === 'FAULT' ? 'warn' : 'info';
  const who = e.kind === 'GROUP' ? `VRRP_Group(${e.instance})` : `(${e.instance})`;
  const why = [e.from ? `from ${e.from}` : '', e.reason ?? ''].filter(Boolean).join(': ');
  log[level]({ event: 'vrrp_transition', ...e }, `${who} Entering ${e.to} STATE${why ? ` (${why})` : ''}`);
}

export interface CheckChangeEvent {
  readonly virtualServer: string;
  readonly realServer: string;
  readonly checker: string;
  readonly up: boolean;
  readonly reason: string;
  readonly latencyMs?: number;
}

export function logCheckChange(log: Logger, e: CheckChangeEvent): void {
  const level = e.up ? 'info' : 'warn';
  log[level]({ event: 'check_change', ...e },
    `${e.checker} on real server ${e.realServer} of ${e.virtualServer}: ${e.up ? 'UP' : 'DOWN'} (${e.reason})`);
}

export interface ReloadEvent {
  readonly ok: boolean;
  readonly durationMs: number;
  /** What changed ("1 real server weight changed") or why it was rejected. */
  readonly summary: string;
  /** Located diagnostics of a rejected config ("keepalived.conf:12:3: unknown keyword"). */
  readonly diagnostics?: readonly string[];
}

export function logReload(log: Logger, e: ReloadEvent): void {
  if (e.ok) {
    log.info({ event: 'reload', ...e }, `Reload applied in ${e.durationMs.toFixed(0)} ms: ${e.summary}`);
  } else {
    const detail = e.diagnostics && e.diagnostics.length > 0 ? `: ${e.diagnostics.join('; ')}` : '';
    log.error({ event: 'reload', ...e }, `Reload rejected, still running the previous configuration (${e.summary})${detail}`);
  }
}

export interface IpvsChangeEvent {
  readonly action: 'add-service' | 'edit-service' | 'delete-service' | 'add-server' | 'edit-server' | 'delete-server';
  readonly service: string;
  readonly server?: string;
  readonly weight?: number;
  readonly reason: string;
  readonly backend?: string;
  /** Set when the backend refused the change. */
  readonly error?: string;
}

export function logIpvsChange(log: Logger, e: IpvsChangeEvent): void {
  const target = e.server ? `${e.server} in ${e.service}` : e.service;
  const weight = e.weight !== undefined ? ` weight ${e.weight}` : '';
  if (e.error) {
    log.error({ event: 'ipvs_change', ...e }, `IPVS ${e.action} ${target}${weight} FAILED (${e.reason}): ${e.error}`);
  } else {
    log.info({ event: 'ipvs_change', ...e }, `IPVS ${e.action} ${target}${weight} (${e.reason})`);
  }
}

export function logNotifyOutcome(log: Logger, o: NotifyOutcome): void {
  if (o.kind === 'disabled') {
    log.warn({ event: 'notify_script', target: o.target, script: o.script, state: o.state, disabled: true, reason: o.reason },
      `${o.target} ${o.state} notify script ${o.script} not run: ${o.reason}`);
    return;
  }
  const r = o.result;
  const base = { event: 'notify_script', target: o.target, script: o.script, state: o.state, code: r.code, signal: r.signal, timedOut: r.timedOut, durationMs: Math.round(r.durationMs) };
  if (r.error) log.error({ ...base, error: r.error }, `${o.target} ${o.state} notify script ${o.script} failed to start: ${r.error}`);
  else if (r.timedOut) log.error(base, `${o.target} ${o.state} notify script ${o.script} timed out after ${Math.round(r.durationMs)} ms and was killed`);
  else if (r.code !== 0) log.warn(base, `${o.target} ${o.state} notify script ${o.script} exited with ${r.code ?? r.signal}`);
  else log.debug(base, `${o.target} ${o.state} notify script ${o.script} done`);
}
