// sd_notify(3) for Type=notify units: the native addon sends the datagram to $NOTIFY_SOCKET
// (Node cannot send on unix datagram sockets). If the addon is not built, systemd's own
// `systemd-notify` tool sends it (the unit sets NotifyAccess=all for that case and for -s, where
// the daemon runs under `ip netns exec`). Outside systemd (no NOTIFY_SOCKET) it does nothing.
import { spawn } from 'node:child_process';
import type { Logger } from './logger.js';
import { sdNotify } from '../native/addon.js';

export function notifySystemd(message: string, log: Logger): void {
  if (!process.env.NOTIFY_SOCKET) return;
  try {
    sdNotify(message);
    return;
  } catch (err) {
    log.debug(`sd_notify through the addon failed (${(err as Error).message}); using systemd-notify`);
  }
  const child = spawn('systemd-notify', [`--pid=${process.pid}`, ...message.split('\n')], { stdio: 'ignore' });
  child.on('error', (err) => log.warn(`sd_notify ${message}: ${err.message}`));
  child.on('exit', (code) => {
    if (code !== 0) log.warn(`sd_notify ${message}: systemd-notify exited with ${code}`);
  });
}
