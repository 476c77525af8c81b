import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '#keyway/observability';
import { AuditExporter, type ExportSource } from './audit-exporter.js';
import { openAuditSink } from './audit-sinks.js';
import { parseSinkTarget } from './sink-target.js';

/** The AUDIT_SINK variables (libs/config) every writer of a record reads the same way. */
export interface AuditSinkSettings {
  AUDIT_SINK?: string;
  AUDIT_SINK_REQUIRED: boolean;
  AUDIT_SINK_POLL_MS: number;
  NATS_KV_REPLICAS: number;
}

/** The service's audit device, or undefined when AUDIT_SINK is unset. Not started. */
export function auditExporterFor(
  config: AuditSinkSettings,
  source: ExportSource,
  nc: NatsConnection,
  logger: Logger,
): AuditExporter | undefined {
  if (!config.AUDIT_SINK) return undefined;
  return new AuditExporter(
    source,
    openAuditSink(parseSinkTarget(config.AUDIT_SINK), { nc, replicas: config.NATS_KV_REPLICAS }),
    { required: config.AUDIT_SINK_REQUIRED, pollMs: config.AUDIT_SINK_POLL_MS, logger },
  );
}
