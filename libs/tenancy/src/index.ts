export * from './host-ownership.js';
export * from './claimable.js';
export * from './shared-namespaces.js';
export * from './credential-grants.js';
