export * from './config-error.js';
export * from './env-schema.js';
export * from './common-variables.js';
export * from './tls-file-reloader.js';
