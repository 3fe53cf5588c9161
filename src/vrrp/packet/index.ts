// Public surface of the pure VRRP packet codec.
export * from './constants.js';
export * from './errors.js';
export * from './ip-address.js';
export * from './checksum.js';
export * from './advert.js';
export * from './encode.js';
export * from './drop-reason.js';
export * from './decode.js';
