// A one-shot timer that hands back its own cancel function: the shape the track_process quorum
// and the GARP/NA pacer take their timers in, so their tests can drive them on a fake clock.
export type SetTimer = (fn: () => void, ms: number) => () => void;

export const realSetTimer: SetTimer = (fn, ms) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};
