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

export const revokeRequest = z.object({
  schemaVersion,
  serial: z.string().regex(/^[0-9a-fA-F:]+$/),
  reason: z
    .enum([
      'unspecified',
      'keyCompromise',
      'cACompromise',
      'affiliationChanged',
      'superseded',
      'cessationOfOperation',
      'certificateHold',
    ])
    .default('unspecified'),
  actor,
});

export const crlRequest = z.object({ schemaVersion, issuer: k8sName });

export const issueCredentialRequest = issueRequest.extend({
  namespace: k8sNamespace,
  secretName: k8sName,
  includeCa: z.boolean().default(true),
});
