// Public surface of the pure VRRP instance state machine.
export * from './spec.js';
export * from './complete-spec.js';
export * from './timers.js';
export * from './counters.js';
export * from './events.js';
export * from './advert-for.js';
export * from './instance.js';
export * from './sync-group.js';
