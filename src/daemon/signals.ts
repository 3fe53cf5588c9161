// keepalived's signals: HUP reloads, USR1/USR2 write the data and stats dumps, SIGJSON
// (SIGRTMIN+2, 36 on glibc) the JSON dump, STATS_CLEAR (SIGRTMAX-1, 63) clears statistics,
// TERM/INT stop. Node refuses listeners for real-time signals, so those go through the native
// addon's signal watch; without the addon they keep their default action (terminate), which is
// logged loudly at start.
import type { Logger } from './logger.js';
import { SIGNAL_FUNCTIONS } from './signal-names.js';

export interface SignalActions {
  reload(): void;
  dumpData(): void;
  dumpStats(): void;
  dumpJson(): void;
  clearStats(): void;
  stop(signal: string): void;
}

type WatchFn = (signum: number, cb: () => void) => void;

async function loadRealtimeWatch(): Promise<WatchFn> {
  // A computed specifier: the addon module is optional at build time.
  const spec = '../native/addon.js';
  const mod = (await import(spec)) as { watchRealtimeSignal?: WatchFn };
  if (typeof mod.watchRealtimeSignal !== 'function') throw new Error('the native addon has no watchRealtimeSignal');
  return mod.watchRealtimeSignal;
}

export async function installSignalHandlers(a: SignalActions, log: Logger): Promise<void> {
  process.on('SIGHUP', () => a.reload());
  process.on('SIGUSR1', () => a.dumpData());
  process.on('SIGUSR2', () => a.dumpStats());
  process.on('SIGTERM', () => a.stop('SIGTERM'));
  process.on('SIGINT', () => a.stop('SIGINT'));
  let watch: WatchFn;
  try {
    watch = await loadRealtimeWatch();
  } catch (err) {
    log.error(`SIGJSON (${SIGNAL_FUNCTIONS.JSON}) and STATS_CLEAR (${SIGNAL_FUNCTIONS.STATS_CLEAR}) are not handled: ${(err as Error).message}; use 'ka-ts ctl status --json' instead`);
    return;
  }
  for (const [num, action, name] of [[SIGNAL_FUNCTIONS.JSON, a.dumpJson, 'SIGJSON'], [SIGNAL_FUNCTIONS.STATS_CLEAR, a.clearStats, 'STATS_CLEAR']] as const) {
    try {
      watch(num as number, () => action());
    } catch (err) {
      log.error(`cannot watch signal ${num} (${name}): ${(err as Error).message}`);
    }
  }
}
