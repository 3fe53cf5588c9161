// Keywords ka-ts parses and validates (so `-t` matches keepalived) but does not act on yet. The
// daemon names each one present in the running configuration once at start and on reload, so an
// operator never mistakes an accepted keyword for a working feature.
import type { KeepalivedConfig } from '../config/model.js';

/** vrrp_instance keywords the parser keeps as written (in `extra`) and nothing acts on. */
const IGNORED_INSTANCE_KEYWORDS = ['use_ipvlan', 'promote_secondaries', 'unicast_fault_no_peer', 'track_src_ip', 'garp_extra_if',
  'track_bfd', 'old_unicast_checksum', 'kernel_rx_buf_size', 'linkbeat_use_polling'];

export function unsupportedFeatures(cfg: KeepalivedConfig): string[] {
  const out: string[] = [];
  const where = (list: string[]): string => (list.length > 3 ? `${list.slice(0, 3).join(', ')} and ${list.length - 3} more` : list.join(', '));
  const instances = (pred: (i: KeepalivedConfig['vrrpInstances'][number]) => boolean): string[] => cfg.vrrpInstances.filter(pred).map((i) => i.name);
  for (const keyword of IGNORED_INSTANCE_KEYWORDS) {
    const users = instances((i) => keyword in i.extra);
    if (users.length) out.push(`${keyword} (${where(users)}): accepted and ignored`);
  }
  const smtp = [...instances((i) => i.smtpAlert), ...cfg.vrrpSyncGroups.filter((g) => g.smtpAlert).map((g) => g.name)];
  if (smtp.length || cfg.globalDefs.notificationEmail.length) out.push('smtp_alert / notification_email: no e-mail is sent (use notify scripts or notify_fifo)');
  return out;
}
