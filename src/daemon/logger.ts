// One logger per process of the daemon, configured from keepalived's flags; the syslog ident
// follows keepalived's (Keepalived, Keepalived_vrrp, Keepalived_healthcheckers) so existing
// syslog filters keep matching. keepalived with -l logs to the console AND syslog; ka-ts logs to
// the console only with -l, because tests and labs run many daemons with -l on hosts where
// /dev/log may be absent, and each failed syslog line would be repeated on stderr.
import type { Logger } from 'pino';
import { createLogger } from '../ops/logging/create-logger.js';
import { nativeAvailable, sendUnixDatagram } from '../native/addon.js';

export type { Logger };

export interface LogFlags {
  logConsole: boolean;
  logJson: boolean;
  logDetail: boolean;
  logFacility?: string;
  logFile?: string;
  noSyslog: boolean;
}

const IDENT = { parent: 'Keepalived', vrrp: 'Keepalived_vrrp', checkers: 'Keepalived_healthcheckers' } as const;

export function createDaemonLogger(flags: LogFlags, role: keyof typeof IDENT): Logger {
  const { logger } = createLogger({
    console: flags.logConsole,
    json: flags.logJson,
    detail: flags.logDetail,
    ...(flags.logFacility !== undefined ? { facility: flags.logFacility } : {}),
    ...(flags.logFile !== undefined ? { file: flags.logFile } : {}),
    syslog: !flags.noSyslog && !flags.logConsole,
    ident: IDENT[role],
    // Straight to /dev/log when the addon is built; otherwise ops' SyslogSink uses `logger`.
    ...(nativeAvailable() ? { syslogSend: (path: string, datagram: Buffer) => void sendUnixDatagram(path, datagram) } : {}),
  });
  return logger.child({ proc: role });
}
