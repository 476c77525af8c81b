/** JetStream streams that are not KV buckets: an append-only record other services or tools read. */
export const Streams = {
  /** Signed checkpoints of the audit log's chain heads (the secret-watcher writes, auditors read). */
  auditCheckpoints: { name: 'KEYWAY_AUDIT_CHECKPOINTS', subject: 'keyway.audit.checkpoints' },
} as const;
