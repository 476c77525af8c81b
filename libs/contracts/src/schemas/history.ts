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
});
