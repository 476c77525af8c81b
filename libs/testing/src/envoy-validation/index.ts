export * from './check.js';
export { fieldRules } from './rules.js';
