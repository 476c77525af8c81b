export * from './kubernetes-client.js';
export * from './kubernetes-variables.js';
export * from './reflector.js';
export * from './watch-backoff.js';
