// keepalived's completion of a vrrp_instance (vrrp.c vrrp_complete_instance): values left unset
// get defaults that depend on vrrp_strict and on being the address owner, and some combinations
// are corrected with a warning. The lead's config mapping fills a SpecDraft (undefined = not in the
// config) and gets the spec keepalived would run plus the warnings it would log.
import type { VrrpInstanceSpec } from './spec.js';

type Unsettable = 'accept' | 'garpLowerPrioRepeat' | 'garpLowerPrioDelayMs' | 'lowerPrioNoAdvert' | 'higherPrioSendAdvert';

/** A spec where the keywords keepalived completes may be left unset. */
export type SpecDraft = Omit<VrrpInstanceSpec, Unsettable> & Partial<Pick<VrrpInstanceSpec, Unsettable>>;

/** global_defs values used when an instance leaves them unset. */
export interface SpecGlobals {
  /** vrrp_garp_lower_prio_repeat; keepalived: unset → vrrp_garp_master_repeat. */
  garpLowerPrioRepeat: number;
  /** vrrp_garp_lower_prio_delay; keepalived: unset → vrrp_garp_master_delay. */
  garpLowerPrioDelayMs: number;
  /** vrrp_lower_prio_no_advert (default false). */
  lowerPrioNoAdvert: boolean;
  /** vrrp_higher_prio_send_advert (default false). */
  higherPrioSendAdvert: boolean;
}

export interface CompletedSpec {
  spec: VrrpInstanceSpec;
  /** What keepalived would report as config errors while correcting (it keeps running). */
  warnings: string[];
}

export function completeSpec(d: SpecDraft, g: SpecGlobals): CompletedSpec {
  const warnings: string[] = [];
  const warn = (msg: string): void => {
    warnings.push(`(${d.name}) ${msg}`);
  };
  const s = { ...d } as SpecDraft;
  const owner = s.priority === 255;

  if (s.strict && s.family === 'ipv6' && s.version === 2) {
    warn('cannot use IPv6 with VRRP version 2; setting version 3');
    s.version = 3;
  }
  if (s.strict && (s.startState === 'MASTER') !== owner) {
    warn('State MASTER must match being address owner');
    s.startState = owner ? 'MASTER' : 'BACKUP';
  }
  if (s.authType !== 0) {
    if (s.strict) {
      warn('Strict mode does not support authentication. Ignoring.');
      s.authType = 0;
    } else if (s.version === 3) {
      warn('VRRP version 3 does not support authentication. Ignoring.');
      s.authType = 0;
    } else if (!s.authPassword) {
      warn('Authentication specified but no password given. Ignoring');
      s.authType = 0;
    }
  }
  if (owner && !s.preempt) {
    warn('nopreempt is incompatible with priority 255. resetting nopreempt');
    s.preempt = true;
  }
  if (s.startState === 'MASTER') {
    if (!s.preempt) {
      warn('Warning - nopreempt will not work with initial state MASTER - clearing');
      s.preempt = true;
    }
    if (s.preemptDelayMs > 0) {
      warn('Warning - preempt delay will not work with initial state MASTER - clearing');
      s.preemptDelayMs = 0;
    }
  }
  if (s.preemptDelayMs > 0) {
    if (s.strict) {
      warn('preempt_delay is incompatible with strict mode - resetting');
      s.preemptDelayMs = 0;
    }
    if (!s.preempt) {
      warn('preempt_delay is incompatible with nopreempt mode - resetting');
      s.preemptDelayMs = 0;
    }
  }

  let accept = s.accept ?? (owner ? true : !s.strict);
  if (accept && !owner && s.strict && s.version === 2) {
    warn('warning - accept mode for VRRP version 2 does not comply with RFC3768 - resetting');
    accept = false;
  }
  let garpLowerPrioRepeat = s.garpLowerPrioRepeat ?? (s.strict ? 0 : g.garpLowerPrioRepeat);
  if (s.strict && garpLowerPrioRepeat !== 0) {
    warn('Strict mode requires no repeat garps. resetting');
    garpLowerPrioRepeat = 0;
  }
  let garpLowerPrioDelayMs = s.garpLowerPrioDelayMs ?? (s.strict ? 0 : g.garpLowerPrioDelayMs);
  if (s.strict && garpLowerPrioDelayMs !== 0) {
    warn('Strict mode requires no repeat garp delay. resetting');
    garpLowerPrioDelayMs = 0;
  }
  let lowerPrioNoAdvert = s.lowerPrioNoAdvert ?? (s.strict ? true : g.lowerPrioNoAdvert);
  if (s.strict && !lowerPrioNoAdvert) {
    warn('Strict mode requires no lower priority advert. resetting');
    lowerPrioNoAdvert = true;
  }
  let higherPrioSendAdvert = s.higherPrioSendAdvert ?? (s.strict ? false : g.higherPrioSendAdvert);
  if (s.strict && higherPrioSendAdvert) {
    warn('strict mode requires higher_prio_send_advert to be clear. resetting');
    higherPrioSendAdvert = false;
  }
  const spec: VrrpInstanceSpec = { ...s, accept, garpLowerPrioRepeat, garpLowerPrioDelayMs, lowerPrioNoAdvert, higherPrioSendAdvert };
  return { spec, warnings };
}
