// Deterministic simulation of VRRP routers on an in-memory LAN (tests and drills).
export * from './clock.js';
export * from './network.js';
