export * from './config-error.js';
export * from './env-schema.js';
export * from './common-variables.js';
