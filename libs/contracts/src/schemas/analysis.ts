import { z } from 'zod';
import { k8sName, k8sNamespace, schemaVersion, sealedEnvelope } from './common.js';
import { routingManifest } from './kubernetes-object.js';

/** One finding of `keyway analyze` (#keyway/analysis makes them; codes are IST.... or KW....). */
export const analysisFinding = z.object({
  code: z.string(),
  name: z.string(),
  severity: z.enum(['Error', 'Warning', 'Info']),
  resource: z.string(),
  field: z.string().optional(),
  message: z.string(),
});
export type AnalysisFinding = z.infer<typeof analysisFinding>;

/** Whether an analyzed object exists already (a dry-run apply says `created` or `configured`). */
export const analyzedObject = z.object({ resource: z.string(), exists: z.boolean() });

/**
 * `keyway.routing.analyze`: compile the stored resources with these applied on top, change nothing.
 * `credentials` are Secrets of the same request that validated: they count as existing.
 */
export const analyzeRoutingRequest = z.object({
  schemaVersion,
  manifests: z.array(routingManifest).max(1000),
  credentials: z.array(z.object({ namespace: k8sNamespace, name: k8sName })).max(1000),
});
/** A Gateway server of the analyzed resources that serves a credential (for the certificate-name check). */
export const credentialUse = z.object({
  gateway: z.string(),
  server: z.number().int().nonnegative(),
  namespace: k8sNamespace,
  credentialName: k8sName,
  hosts: z.array(z.string()),
});

export const analyzeRoutingResult = z.object({
  objects: z.array(analyzedObject),
  findings: z.array(analysisFinding),
  credentialUses: z.array(credentialUse).optional(),
});
export type AnalyzeRoutingResult = z.infer<typeof analyzeRoutingResult>;

/** `keyway.secrets.analyze`: validate one Secret as an apply would, change nothing. Sealed like an apply. */
export const analyzeSecretRequest = z.object({ schemaVersion, sealedManifest: sealedEnvelope });
export type AnalyzeSecretRequest = z.infer<typeof analyzeSecretRequest>;
export const analyzeSecretResult = z.object({
  object: analyzedObject,
  /** False when the Secret would be rejected (its errors are among the findings). */
  valid: z.boolean(),
  findings: z.array(analysisFinding),
  /** The DNS names of its certificate, when it holds one. */
  hosts: z.array(z.string()).optional(),
});
export type AnalyzeSecretResult = z.infer<typeof analyzeSecretResult>;
