export * from './logger.js';
export * from './nest-logger.js';
export * from './metrics.js';
export * from './health.js';
export * from './ops-server.js';
export * from './log-line.js';
export * from './client-text.js';
export * from './service-lifecycle.js';
