// keepalived's signals: HUP reloads, USR1/USR2 write the data and stats dumps, SIGJSON
// (SIGRTMIN+2, 36 on glibc) the JSON dump, STATS_CLEAR (SIGRTMAX-1, 63) clears statistics,
// TERM/INT stop. Node refuses listeners for real-time signals, so those go through the native
// addon's signal watch; if the addon is not built they keep their default action (terminate),
// which is logged loudly at start.
import type { Logger } from './logger.js';
import { SIGNAL_FUNCTIONS } from './signal-names.js';
import { watchRealtimeSignal } from '../native/addon.js';

export interface SignalActions {
  reload(): void;
  dumpData(): void;
  dumpStats(): void;
  dumpJson(): void;
  clearStats(): void;
  stop(signal: string): void;
}

export function installSignalHandlers(a: SignalActions, log: Logger): void {
  process.on('SIGHUP', () => a.reload());
  process.on('SIGUSR1', () => a.dumpData());
  process.on('SIGUSR2', () => a.dumpStats());
  process.on('SIGTERM', () => a.stop('SIGTERM'));
  process.on('SIGINT', () => a.stop('SIGINT'));
  for (const [num, action, name] of [[SIGNAL_FUNCTIONS.JSON, a.dumpJson, 'SIGJSON'], [SIGNAL_FUNCTIONS.STATS_CLEAR, a.clearStats, 'STATS_CLEAR']] as const) {
    try {
      watchRealtimeSignal(num as number, () => action());
    } catch (err) {
      log.error(`signal ${num} (${name}) is not handled, sending it would stop the daemon: ${(err as Error).message}`);
    }
  }
}
