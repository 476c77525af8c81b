import { z } from 'zod';
import { Variables, VariableGroups, defineConfig } from '#keyway/config';

export const caConfig = defineConfig(
  'ca',
  {
    ...VariableGroups.nats,
    ...VariableGroups.leader,
    ...VariableGroups.database,
    OPS_PORT: Variables.OPS_PORT.default(9101),
    OPS_HOST: Variables.OPS_HOST,
    ...VariableGroups.logs,
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
    ...VariableGroups.auditCheckpoints,
    /** The audit device the CA's record is exported to (docs/audit.md, "Export"). */
    ...VariableGroups.auditSink,
    CA_BACKDATE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  },
  undefined,
  { HTTP_PORT: 'OPS_PORT' },
);
export type CaConfig = ReturnType<typeof caConfig.load>;
