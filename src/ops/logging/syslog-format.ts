/**
 * Syslog priorities and message framing (RFC 3164, as glibc's syslog(3) writes to /dev/log,
 * and RFC 5424). Pure: no sockets here.
 */

/** Facility names → codes (syslog.h). keepalived's `-S N` means local N. */
export const FACILITIES: Readonly<Record<string, number>> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9,
  authpriv: 10, ftp: 11, local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21,
  local6: 22, local7: 23,
};

export class SyslogFacilityError extends Error {
  constructor(readonly value: string) {
    super(`log facility '${value}': expected 0-7 (local0-local7, as keepalived -S) or a facility name (daemon, local3, ...)`);
    this.name = 'SyslogFacilityError';
  }
}

/** Parses `-S/--log-facility`: 0-7 → local0-7 (keepalived), or a name. Default daemon. */
export function parseFacility(value: string | number | undefined): number {
  if (value === undefined) return FACILITIES.daemon!;
  const v = String(value).trim().toLowerCase();
  if (/^[0-7]$/.test(v)) return FACILITIES[`local${v}`]!;
  const named = FACILITIES[v.replace(/^log_/, '')];
  if (named === undefined) throw new SyslogFacilityError(String(value));
  return named;
}

/** pino level number → syslog severity (trace/debug → debug(7), info → info(6), warn → warning(4), ...). */
export function severityOfPinoLevel(level: number): number {
  if (level >= 60) return 2; // fatal → crit
  if (level >= 50) return 3; // error → err
  if (level >= 40) return 4; // warn → warning
  if (level >= 30) return 6; // info → info
  return 7; // debug, trace → debug
}

export const priority = (facility: number, severity: number): number => facility * 8 + severity;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** One line, no control characters: a newline inside a message would split it into two records. */
export function sanitizeMessage(msg: string): string {
  return msg.replace(/[\r\n]+/g, ' ').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '?');
}

/** `<PRI>Mmm dd hh:mm:ss ident[pid]: msg` in local time, day space-padded as syslog(3) does. */
export function formatRfc3164(pri: number, date: Date, ident: string, pid: number, msg: string): string {
  const dd = String(date.getDate()).padStart(2, ' ');
  const t = [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  return `<${pri}>${MONTHS[date.getMonth()]} ${dd} ${t} ${ident}[${pid}]: ${sanitizeMessage(msg)}`;
}

/** `<PRI>1 TIMESTAMP HOST APP PID MSGID - msg` (RFC 5424, no structured data). */
export function formatRfc5424(pri: number, date: Date, host: string, app: string, pid: number, msg: string, msgId = '-'): string {
  return `<${pri}>1 ${date.toISOString()} ${host || '-'} ${app || '-'} ${pid} ${msgId} - ${sanitizeMessage(msg)}`;
}
