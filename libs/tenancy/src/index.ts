export * from './host-ownership.js';
export * from './claimable.js';
