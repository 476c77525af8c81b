export * from './infrastructure.js';
export * from './wait-for.js';
