import { z } from 'zod';
import { k8sName, k8sNamespace, page, schemaVersion } from './common.js';

export const credentialHistoryRequest = z.object({
  schemaVersion,
  namespace: k8sNamespace,
  name: k8sName,
  page: page.optional(),
});
export const credentialVersionRequest = z.object({
  schemaVersion,
  namespace: k8sNamespace,
  name: k8sName,
  revision: z.number().int().min(1),
});
export const credentialListRequest = z.object({ schemaVersion, namespace: k8sNamespace });
export const auditVerifyRequest = z.object({
  schemaVersion,
  namespace: k8sNamespace.optional(),
  name: k8sName.optional(),
});

/** One row of the audit log, as queries return it: never key material. */
export const auditRow = z.object({
  namespace: z.string(),
  name: z.string(),
  revision: z.number().int(),
  action: z.enum(['created', 'updated', 'deleted', 'rejected']),
  source: z.string(),
  actor: z.string(),
  leafSerial: z.string().nullable(),
  subject: z.string().nullable(),
  sans: z.array(z.string()),
  issuer: z.string().nullable(),
  notBefore: z.string().nullable(),
  notAfter: z.string().nullable(),
  leafFingerprint: z.string().nullable(),
  caFingerprints: z.array(z.string()),
  publicKeyFingerprint: z.string().nullable(),
  contentHash: z.string().nullable(),
  reason: z.string().nullable(),
  recordedAt: z.string(),
  previousHash: z.string().nullable(),
  rowHash: z.string(),
});
export type AuditRow = z.infer<typeof auditRow>;

export const auditVerifyResult = z.object({
  checkedCredentials: z.number().int(),
  checkedRows: z.number().int(),
  ok: z.boolean(),
  firstBroken: z
    .object({ namespace: z.string(), name: z.string(), revision: z.number().int(), reason: z.string() })
    .optional(),
  /** The chains against the signed checkpoints outside the database (absent without a checkpoint key). */
  checkpoint: z
    .object({
      /** The last checkpoint verified, if any. */
      seq: z.number().int().optional(),
      at: z.string().optional(),
      /** A chain cut short, rewritten, or gone since it was checkpointed. */
      mismatches: z.array(
        z.object({
          kind: z.enum(['truncated', 'rewritten', 'missing']),
          chain: z.string(),
          checkpointRevision: z.number().int().optional(),
          databaseRevision: z.number().int().optional(),
          revision: z.number().int().optional(),
        }),
      ),
      /** Checkpoints that do not verify (signature, key, sequence). */
      problems: z.array(
        z.object({
          kind: z.string(),
          seq: z.number().int(),
          reason: z.string().optional(),
          keyId: z.string().optional(),
        }),
      ),
    })
    .optional(),
});
export type AuditVerifyResult = z.infer<typeof auditVerifyResult>;
