/**
 * Timestamps as keepalived's dumps print them: `SECONDS.MICROS (Www Mmm dd hh:mm:ss.micros yyyy)`
 * in local time (keepalived uses ctime_r on the local clock). Millisecond inputs are padded to
 * six fractional digits because the snapshot keeps wall times in milliseconds.
 */
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** "1795427875.693000" */
export function epochWithMicros(ms: number): string {
  const whole = Math.floor(ms / 1000);
  const micros = Math.round((ms - whole * 1000) * 1000);
  return `${whole}.${pad(micros, 6)}`;
}

/** "Mon Nov 23 09:57:55.693000 2026" (local time, as keepalived). */
export function ctimeWithMicros(ms: number): string {
  const d = new Date(ms);
  const micros = Math.round((ms - Math.floor(ms / 1000) * 1000) * 1000);
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${pad(d.getDate(), 2)} ${pad(d.getHours(), 2)}:${pad(d.getMinutes(), 2)}:${pad(d.getSeconds(), 2)}.${pad(micros, 6)} ${d.getFullYear()}`;
}

/** The whole `Last transition = ...` value. */
export function keepalivedTimestamp(ms: number): string {
  return `${epochWithMicros(ms)} (${ctimeWithMicros(ms)})`;
}
