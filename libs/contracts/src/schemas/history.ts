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

/** What `GET /v1/audit/events` and `keyway audit log` list; each source answers its own kinds. */
export const AUDIT_EVENT_KINDS = [
  'credential-version',
  'rejected-version',
  'api-request',
  // The CA's record (libs/secrets ca-record-chain.ts).
  'ca-decision',
  'ca-issuance',
  'ca-revocation',
  'ca-crl',
] as const;
export const auditEventKind = z.enum(AUDIT_EVENT_KINDS);

/** One event of the audit record, newest first; never key material. */
export const auditEvent = z.object({
  /** `<source>:<row id>`: unique, and with `at` the cursor position. */
  id: z.string(),
  at: z.string(),
  kind: auditEventKind,
  actor: z.string(),
  team: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  /** created, updated, deleted, rejected; for an api request its method and path; for the CA's record allowed, refused, issued, revoked, published. */
  action: z.string(),
  revision: z.number().int().optional(),
  serial: z.string().optional(),
  /** Why a version was rejected; an api request's status. */
  detail: z.string().optional(),
});
export type AuditEvent = z.infer<typeof auditEvent>;

/** Filters every source applies; `namespaces` is what the caller may read (absent: all). */
export const auditEventsFilter = z.object({
  since: z.string().optional(),
  until: z.string().optional(),
  actor: z.string().max(256).optional(),
  team: z.string().max(63).optional(),
  namespace: k8sNamespace.optional(),
  name: k8sName.optional(),
  kinds: z.array(auditEventKind).optional(),
  namespaces: z.array(k8sNamespace).max(1000).optional(),
  /** Events strictly older than this position (the previous page's last event). */
  before: z.object({ at: z.string(), id: z.string() }).optional(),
  limit: z.number().int().min(1).max(1000).default(100),
});
export type AuditEventsFilter = z.infer<typeof auditEventsFilter>;
export const auditEventsRequest = auditEventsFilter.extend({ schemaVersion });
