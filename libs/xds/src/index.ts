export * from './names.js';
export * from './tls-context.js';
export * from './listener.js';
export * from './route-configuration.js';
export * from './cluster.js';
export * from './encode.js';
export * from './route-compiler.js';
export * from './snapshot-records.js';
