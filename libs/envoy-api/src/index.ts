export * from './type-urls.js';
export * from './proto-files.js';
export * from './proto-root.js';
export * from './codec.js';
export * from './service-definitions.js';
export * from './wire/index.js';
