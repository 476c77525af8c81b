import { z } from 'zod';
import { actor, k8sName, k8sNamespace, page, schemaVersion } from './common.js';

/** `keyway.secrets.apply`: create or replace. Secret data carries key material: the request travels sealed. */
export const applySecretRequest = z.object({
  schemaVersion,
  /** The Secret manifest sealed with the data key (associated data `secret-apply`), as JSON. */
  sealedManifest: z.object({
    alg: z.literal('A256GCM'),
    kid: z.string(),
    iv: z.string(),
    tag: z.string(),
    ciphertext: z.string(),
  }),
  actor,
  reason: z.string().max(1024).optional(),
});
export type ApplySecretRequest = z.infer<typeof applySecretRequest>;
export const SECRET_APPLY_AAD = 'secret-apply';

export const applySecretResult = z.object({
  namespace: k8sNamespace,
  name: k8sName,
  /** `created`, `updated`, or `unchanged` when the content hash is the same. */
  outcome: z.enum(['created', 'updated', 'unchanged']),
  revision: z.number().int(),
  contentHash: z.string(),
  warnings: z.array(z.string()),
});
export type ApplySecretResult = z.infer<typeof applySecretResult>;

export const deleteSecretRequest = z.object({
  schemaVersion,
  namespace: k8sNamespace,
  name: k8sName,
  actor,
  ignoreNotFound: z.boolean().default(false),
  reason: z.string().max(1024).optional(),
});
export type DeleteSecretRequest = z.infer<typeof deleteSecretRequest>;

export const getSecretRequest = z.object({ schemaVersion, namespace: k8sNamespace, name: k8sName });
export const listSecretsRequest = z.object({
  schemaVersion,
  namespace: k8sNamespace.optional(),
  page: page.optional(),
});

/** A Secret as listed: never its data, only what it holds and its current version. */
export const secretSummary = z.object({
  namespace: k8sNamespace,
  name: k8sName,
  type: z.string(),
  keys: z.array(z.string()),
  source: z.string(),
  revision: z.number().int(),
  contentHash: z.string(),
  notAfter: z.string().optional(),
  /** The served certificate (leaf, or first CA of a validation context): for `get -o wide`. */
  serial: z.string().optional(),
  issuer: z.string().optional(),
  /** DNS and IP SANs of the leaf: the hosts it can serve. */
  hosts: z.array(z.string()).optional(),
  /** Every source holding a copy, the served one first (the others are shadowed). */
  sources: z.array(z.string()).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SecretSummary = z.infer<typeof secretSummary>;
