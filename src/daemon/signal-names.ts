// keepalived's signal functions and their numbers on Linux/glibc, as `keepalived --signum=NAME`
// prints them (SIGJSON is SIGRTMIN+2 = 36, STATS_CLEAR is SIGRTMAX-1 = 63 on glibc).
export const SIGNAL_FUNCTIONS: Readonly<Record<string, number>> = {
  STOP: 15,
  RELOAD: 1,
  DATA: 10,
  STATS: 12,
  STATS_CLEAR: 63,
  JSON: 36,
};

/** The number for a keepalived signal function name (case-sensitive, as keepalived), or undefined. */
export function signalNumber(name: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(SIGNAL_FUNCTIONS, name) ? SIGNAL_FUNCTIONS[name] : undefined;
}
