/** JetStream streams that are not KV buckets: an append-only record other services or tools read. */
export const Streams = {
  /** Signed checkpoints of the audit log's chain heads (the secret-watcher writes, auditors read). */
  auditCheckpoints: { name: 'KEYWAY_AUDIT_CHECKPOINTS', subject: 'keyway.audit.checkpoints' },
  /** Signed checkpoints of the CA record's chain head (the ca writes, auditors read). */
  caCheckpoints: { name: 'KEYWAY_CA_CHECKPOINTS', subject: 'keyway.ca.checkpoints' },
  /** The audit record exported to a NATS audit device (AUDIT_SINK=nats:keyway.audit.export.<name>). */
  auditExport: { name: 'KEYWAY_AUDIT_EXPORT', subject: 'keyway.audit.export.>' },
} as const;
