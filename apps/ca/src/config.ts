import { z } from 'zod';
import { Variables, defineConfig } from '#keyway/config';

export const caConfig = defineConfig(
  'ca',
  {
    NATS_URL: Variables.NATS_URL,
    NATS_USER: Variables.NATS_USER,
    NATS_PASSWORD: Variables.NATS_PASSWORD,
    NATS_KV_REPLICAS: Variables.NATS_KV_REPLICAS,
    REPLICA_ID: Variables.REPLICA_ID,
    LEADER_LEASE_MS: Variables.LEADER_LEASE_MS,
    DATABASE_URL: Variables.DATABASE_URL,
    DATABASE_MIGRATIONS: Variables.DATABASE_MIGRATIONS,
    OPS_PORT: Variables.OPS_PORT.default(9101),
    OPS_HOST: Variables.OPS_HOST,
    LOG_LEVEL: Variables.LOG_LEVEL,
    LOG_FORMAT: Variables.LOG_FORMAT,
    /** Data keys shared with the other services: issued keys and Secret manifests travel sealed under them. */
    KEYWAY_DATA_KEYS: Variables.KEYWAY_DATA_KEYS,
    /** Master keys sealing CA private keys at rest; first one active. Rotation: put a new key first, restart. */
    CA_MASTER_KEYS: Variables.KEYWAY_DATA_KEYS,
    CA_CRL_VALIDITY_SECONDS: z.coerce.number().int().min(300).default(86_400),
    /** How often CRLs past half their validity are re-signed. */
    CA_CRL_REFRESH_SECONDS: z.coerce.number().int().min(10).default(600),
    /** How often Certificate resources are checked for renewal (at most; sooner when one is due). */
    CA_RENEWAL_CHECK_SECONDS: z.coerce.number().int().min(1).default(60),
    /** Signed checkpoints of the CA record's head (docs/audit.md). */
    AUDIT_CHECKPOINT_KEY_FILE: Variables.AUDIT_CHECKPOINT_KEY_FILE,
    AUDIT_CHECKPOINT_SECONDS: Variables.AUDIT_CHECKPOINT_SECONDS,
    AUDIT_CHECKPOINT_ROWS: Variables.AUDIT_CHECKPOINT_ROWS,
    AUDIT_CHECKPOINT_FILE: Variables.AUDIT_CHECKPOINT_FILE,
    /** The audit device the CA's record is exported to (docs/audit.md, "Export"). */
    AUDIT_SINK: Variables.AUDIT_SINK,
    AUDIT_SINK_REQUIRED: Variables.AUDIT_SINK_REQUIRED,
    AUDIT_SINK_POLL_MS: Variables.AUDIT_SINK_POLL_MS,
    CA_BACKDATE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  },
  undefined,
  { HTTP_PORT: 'OPS_PORT' },
);
export type CaConfig = ReturnType<typeof caConfig.load>;
