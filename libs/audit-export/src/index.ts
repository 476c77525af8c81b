export * from './exported-event.js';
export * from './syslog-message.js';
export * from './sink-target.js';
export * from './audit-sinks.js';
export * from './audit-exporter.js';
export * from './exporter-from-config.js';
