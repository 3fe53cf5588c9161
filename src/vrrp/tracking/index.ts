// Tracking: script rise/fall state and the effective priority / fault computation.
export * from './script-state.js';
export * from './effective-priority.js';
