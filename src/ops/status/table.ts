/**
 * Left-aligned text columns, two spaces apart, like `ipvsadm -Ln` and `ip -br`.
 * A one-cell row is a full-width line (a virtual server heading) and does not widen column 0.
 * Trailing spaces are trimmed so the output diffs cleanly.
 */
export function formatTable(rows: readonly (readonly string[])[], indent = ''): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    if (row.length > 1) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  }
  return rows.map((row) => (indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).trimEnd());
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** "2026-11-23 09:57:55" in local time. */
export function formatWallTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** "3d4h", "2h05m", "4m10s", "12s", relative to the snapshot time (never the caller's clock). */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d${h}h`;
  if (h > 0) return `${h}h${pad2(m)}m`;
  if (m > 0) return `${m}m${pad2(s % 60)}s`;
  return `${s}s`;
}
