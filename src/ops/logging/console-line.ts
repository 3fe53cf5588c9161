/**
 * The console (`-l`) and log-file line, shaped like keepalived's so the greps operators already
 * have keep working: `Mon Nov 23 09:57:32 2026: (VI_1) Entering MASTER STATE ...`.
 * Warnings and worse carry their level (`WARNING: `, `ERROR: `); with `-D` the record's
 * structured fields follow as JSON so nothing is hidden when debugging.
 */
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** keepalived's console timestamp (ctime without the newline, local time). */
export function consoleTime(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${d.getFullYear()}`;
}

const LEVEL_PREFIX: Readonly<Record<number, string>> = { 10: 'TRACE: ', 20: 'DEBUG: ', 40: 'WARNING: ', 50: 'ERROR: ', 60: 'FATAL: ' };
const ENVELOPE = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name', 'v']);

export function formatConsoleLine(rec: Record<string, unknown>, withFields: boolean): string {
  const time = typeof rec.time === 'number' ? rec.time : Date.now();
  const level = typeof rec.level === 'number' ? rec.level : 30;
  const msg = typeof rec.msg === 'string' ? rec.msg : '';
  const err = rec.err as { message?: string } | undefined;
  let line = `${consoleTime(time)}: ${LEVEL_PREFIX[level] ?? ''}${msg}`;
  if (err?.message && !msg.includes(err.message)) line += `: ${err.message}`;
  if (withFields) {
    const fields = Object.fromEntries(Object.entries(rec).filter(([k]) => !ENVELOPE.has(k) && k !== 'err'));
    if (Object.keys(fields).length > 0) line += ` ${JSON.stringify(fields)}`;
  }
  return line.replace(/[\r\n]+/g, ' ');
}
