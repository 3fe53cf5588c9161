import type { VipSnapshot } from '../snapshot.js';

/**
 * A VIP as keepalived prints it in the data dump and the JSON dump:
 * `10.0.0.1/24 dev eth0 scope global set`. The exporters rely on this shape: mehdy's parseVIP
 * takes word 0 as the address label and word 2 as the interface label.
 */
export function formatVip(vip: VipSnapshot, installed: boolean): string {
  const parts = [`${vip.address}/${vip.prefixLen}`];
  if (vip.brd) parts.push(`brd ${vip.brd}`);
  parts.splice(1, 0, `dev ${vip.dev}`);
  parts.push(`scope ${vip.scope ?? 'global'}`);
  if (vip.label) parts.push(`label ${vip.label}`);
  if (installed) parts.push('set');
  return parts.join(' ');
}
