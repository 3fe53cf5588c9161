// keepalived's quorum rule for a virtual server (keepalived/check/ipwrapper.c
// update_quorum_state / set_quorum_states): the sum of the weights of the live real servers is
// compared with quorum ± hysteresis, so that a pool hovering at the threshold does not flap.

/**
 * Next quorum state. `previous` undefined means start-up, where keepalived takes
 * sum >= quorum + hysteresis. Gaining needs sum >= quorum + hysteresis; losing needs
 * sum == 0 or sum < quorum - hysteresis.
 */
export function nextQuorumUp(previous: boolean | undefined, weightSum: number, quorum: number, hysteresis: number): boolean {
  if (previous === undefined || !previous) return weightSum >= quorum + hysteresis;
  return !(weightSum === 0 || weightSum < quorum - hysteresis);
}
