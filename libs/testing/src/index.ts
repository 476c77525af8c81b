export * from './infrastructure.js';
export * from './wait-for.js';
export * from './envoy-validation/index.js';
export * from './hermetic-suite.js';
export * from './private-nats.js';
export * from './service-role-probe.js';
export * from './syslog-receiver.js';
export * from './openssl-test-ca.js';
