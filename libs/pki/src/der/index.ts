export * from './tags.js';
export * from './oid.js';
export * from './time.js';
export * from './writer.js';
export * from './reader.js';
