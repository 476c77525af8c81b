export * from './codes.js';
export * from './finding.js';
export * from './field-value.js';
export * from './conditions.js';
export * from './credentials.js';
export * from './references.js';
export * from './certificate-coverage.js';
