export * from './endpoint.js';
export * from './running-service.js';
export * from './nats-server.js';
export * from './postgres-server.js';
export * from './infrastructure.js';
export * from './service-process.js';
export * from './suite.js';
