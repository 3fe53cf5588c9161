// Scheduler flags are three bits in the kernel; ipvsadm names them per scheduler (sh-fallback is
// flag-1 of sh, mh-port is flag-2 of mh). Normalising through the bits makes `flag-1` with sh and
// `sh-fallback` compare equal, and gives the exact order ipvsadm -S prints.
import type { SchedFlag, Scheduler } from './table.js';

const BIT: Record<SchedFlag, number> = {
  'flag-1': 1, 'sh-fallback': 1, 'mh-fallback': 1,
  'flag-2': 2, 'sh-port': 2, 'mh-port': 2,
  'flag-3': 4,
};

function namesOf(s: Scheduler): [SchedFlag, SchedFlag, SchedFlag] {
  if (s === 'sh') return ['sh-fallback', 'sh-port', 'flag-3'];
  if (s === 'mh') return ['mh-fallback', 'mh-port', 'flag-3'];
  return ['flag-1', 'flag-2', 'flag-3'];
}

export function schedFlagBits(flags: readonly SchedFlag[]): number {
  return flags.reduce((acc, f) => acc | BIT[f], 0);
}

/** Canonical flag list for `scheduler`, in ipvsadm's order. */
export function canonicalSchedFlags(scheduler: Scheduler, flags: readonly SchedFlag[]): SchedFlag[] {
  const bits = schedFlagBits(flags);
  return namesOf(scheduler).filter((_, i) => (bits & (1 << i)) !== 0);
}

export function isSchedFlag(s: string): s is SchedFlag {
  return Object.hasOwn(BIT, s);
}
