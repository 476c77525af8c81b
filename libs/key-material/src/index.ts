export * from './private-key.js';
export * from './envelope.js';
