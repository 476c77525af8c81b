export * from './wire.js';
export * from './node-identity.js';
export * from './backoff.js';
export * from './subscription-state.js';
export * from './decoded-response.js';
export * from './channel-credentials.js';
export * from './ads-client.js';
export * from './ads-target.js';
