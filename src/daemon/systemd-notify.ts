// sd_notify(3) for Type=notify units. Node cannot send on a unix datagram socket, so the
// message goes through systemd's own `systemd-notify` tool (the unit sets NotifyAccess=all
// because that helper, not the main pid, sends it). Outside systemd (no NOTIFY_SOCKET) it does
// nothing.
import { spawn } from 'node:child_process';
import type { Logger } from './logger.js';

export function notifySystemd(message: string, log: Logger): void {
  if (!process.env.NOTIFY_SOCKET) return;
  const child = spawn('systemd-notify', [`--pid=${process.pid}`, ...message.split('\n')], { stdio: 'ignore' });
  child.on('error', (err) => log.warn(`sd_notify ${message}: ${err.message}`));
  child.on('exit', (code) => {
    if (code !== 0) log.warn(`sd_notify ${message}: systemd-notify exited with ${code}`);
  });
}
