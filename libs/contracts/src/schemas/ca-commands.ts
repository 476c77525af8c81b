import { z } from 'zod';
import { actor, k8sName, k8sNamespace, schemaVersion, sealedEnvelope } from './common.js';

export const keyType = z.enum(['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096']);
export const certificateUsage = z.enum(['server', 'client', 'server-client']);
/** Go-style durations as cert-manager writes them: `2160h`, `90m`, `30s`. */
export const duration = z.string().regex(/^(\d+(h|m|s))+$/, 'must be a duration like 2160h or 90m');

export const sans = z.object({
  dns: z.array(z.string().min(1)).default([]),
  ip: z.array(z.string().min(1)).default([]),
  uri: z.array(z.string().min(1)).default([]),
});

export const createRootRequest = z.object({
  schemaVersion,
  name: k8sName,
  commonName: z.string().min(1),
  organization: z.string().optional(),
  keyType: keyType.default('ecdsa-p256'),
  ttl: duration.default('87600h'),
  actor,
});

export const createIntermediateRequest = createRootRequest.extend({
  parent: k8sName,
  pathLen: z.number().int().min(0).optional(),
});

/** A CA key imported from outside: it travels sealed (associated data `ca-import`). */
export const importCaRequest = z.object({
  schemaVersion,
  name: k8sName,
  certificatePem: z.string().min(1),
  chainPem: z.string().optional(),
  sealedPrivateKey: sealedEnvelope,
  actor,
});
export const CA_IMPORT_AAD = 'ca-import';

export const issueRequest = z.object({
  schemaVersion,
  issuer: k8sName,
  commonName: z.string().optional(),
  sans,
  keyType: keyType.default('ecdsa-p256'),
  usage: certificateUsage.default('server'),
  ttl: duration.optional(),
  actor,
  reason: z.string().optional(),
});

export const signRequest = z.object({
  schemaVersion,
  issuer: k8sName,
  csrPem: z.string().min(1),
  usage: certificateUsage.default('server'),
  ttl: duration.optional(),
  actor,
});

/**
 * `keyway.ca.authorize`: would the actor's team policy allow these names from this issuer? The
 * decision is made as for issue and sign; a refusal is recorded (action `authorize`) and answered
 * `forbidden` with the policy's field errors, an allowance is answered and not recorded (the
 * issuance that follows records its own decision). ACME checks a newOrder's identifiers with it.
 */
export const authorizeRequest = z.object({
  schemaVersion,
  issuer: k8sName,
  sans,
  ttl: duration.optional(),
  actor,
  reason: z.string().max(256).optional(),
});
export const authorizeResult = z.object({ allowed: z.literal(true), policy: z.string() });

/** What issuing returns; the key only once and only sealed (associated data = serial). */
export const issuedCertificate = z.object({
  serial: z.string(),
  certificatePem: z.string(),
  chainPem: z.string(),
  caBundlePem: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  sealedPrivateKey: sealedEnvelope.optional(),
});
export type IssuedCertificate = z.infer<typeof issuedCertificate>;

export const revocationReason = z.enum([
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
]);
export type RevocationReasonName = z.infer<typeof revocationReason>;

export const revokeRequest = z.object({
  schemaVersion,
  serial: z.string().regex(/^[0-9a-fA-F:]+$/),
  reason: revocationReason.default('unspecified'),
  actor,
});

export const crlRequest = z.object({ schemaVersion, issuer: k8sName });

export const verifyCaRecordsRequest = z.object({ schemaVersion });

export const issueCredentialRequest = issueRequest.extend({
  namespace: k8sNamespace,
  secretName: k8sName,
  includeCa: z.boolean().default(true),
  /** Also write the issuer's current CRL as `ca.crl`, so gateways refuse revoked clients. */
  includeCrl: z.boolean().default(false),
});

/** `keyway.ca.list`: the CA hierarchy (never a key). */
export const listAuthoritiesRequest = z.object({ schemaVersion });
export const authoritySummary = z.object({
  name: z.string(),
  parent: z.string().nullable(),
  kind: z.enum(['root', 'intermediate']),
  subject: z.string(),
  serial: z.string(),
  fingerprint: z.string(),
  keyType,
  notBefore: z.string(),
  notAfter: z.string(),
  certificatePem: z.string(),
  /** The CAs above it, nearest first, root last; empty for a root. */
  chainPem: z.string(),
  crlNumber: z.number().int(),
});
export type AuthoritySummary = z.infer<typeof authoritySummary>;

export const crlResult = z.object({
  issuer: z.string(),
  crlPem: z.string(),
  crlNumber: z.number().int(),
  thisUpdate: z.string(),
  nextUpdate: z.string(),
  revokedCount: z.number().int(),
});
export type CrlResult = z.infer<typeof crlResult>;

export const revokeResult = z.object({
  serial: z.string(),
  issuer: z.string(),
  revokedAt: z.string(),
  reason: z.string(),
  crlNumber: z.number().int(),
});

/**
 * `keyway.ca.policies.apply`: a team's issuance policy in the manner of a Vault role or cert-manager
 * approver-policy (pattern syntax in #keyway/ca-policy). Anything not listed is refused.
 */
export const caPolicySpec = z.object({
  team: k8sNamespace,
  name: k8sNamespace,
  issuers: z.array(z.string().min(1)).min(1),
  allowedDomains: z.array(z.string()).default([]),
  allowWildcardNames: z.boolean().default(false),
  allowedIpRanges: z.array(z.string()).default([]),
  allowedUris: z.array(z.string()).default([]),
  namespaces: z.array(z.string()).default([]),
  maxTtl: duration,
  defaultTtl: duration.optional(),
  keyTypes: z.array(keyType).min(1).default(['ecdsa-p256']),
  usages: z
    .array(z.enum(['server', 'client']))
    .min(1)
    .default(['server']),
});
export type CaPolicySpecPayload = z.infer<typeof caPolicySpec>;
export const applyCaPolicyRequest = z.object({ schemaVersion, policy: caPolicySpec, actor });
export const getCaPolicyRequest = z.object({ schemaVersion, team: k8sNamespace, name: k8sNamespace });
export const listCaPoliciesRequest = z.object({ schemaVersion, team: k8sNamespace.optional() });

/** `keyway.ca.certificates.*`: a cert-manager style Certificate kept renewed into its Secret. */
export const certificateResource = z.object({
  namespace: k8sNamespace,
  name: k8sName,
  secretName: k8sName,
  issuer: k8sName,
  commonName: z.string().optional(),
  sans,
  keyType: keyType.default('ecdsa-p256'),
  usage: certificateUsage.default('server'),
  duration: duration.default('2160h'),
  renewBefore: duration.optional(),
  includeCa: z.boolean().default(true),
  includeCrl: z.boolean().default(false),
});
export type CertificateResource = z.infer<typeof certificateResource>;
export const applyCertificateRequest = z.object({ schemaVersion, certificate: certificateResource, actor });
export const getCertificateRequest = z.object({ schemaVersion, namespace: k8sNamespace, name: k8sName });
export const deleteCertificateRequest = getCertificateRequest.extend({ actor });
export const listCertificatesRequest = z.object({ schemaVersion, namespace: k8sNamespace.optional() });
export const certificateStatus = z.object({
  namespace: z.string(),
  name: z.string(),
  ready: z.boolean(),
  serial: z.string().optional(),
  notBefore: z.string().optional(),
  notAfter: z.string().optional(),
  renewalTime: z.string().optional(),
  nextAttemptAt: z.string().optional(),
  failures: z.number().int(),
  lastFailure: z.string().optional(),
  lastIssuedAt: z.string().optional(),
});
export type CertificateStatus = z.infer<typeof certificateStatus>;

/** What `keyway.ca.certificates.get|list` answer per resource (and apply, with its outcome). */
export const certificateView = z.object({
  certificate: certificateResource,
  status: certificateStatus,
});
export type CertificateView = z.infer<typeof certificateView>;
