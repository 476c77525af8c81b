export * from './check.js';
export { readMessageJson, type AnyTypeUse, type MessageJson } from './proto-json.js';
export { fieldRules } from './rules.js';
export type { EnvoyViolation } from './violation.js';
