export * from './nats-connection.js';
export * from './kv-provisioning.js';
export * from './typed-bucket.js';
export * from './kv-watcher.js';
export * from './command-client.js';
export * from './lease-rules.js';
export * from './leader-lease.js';
export * from './run-as-leader.js';
