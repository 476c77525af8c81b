import { z } from 'zod';
import { actor, k8sName, k8sNamespace, page, schemaVersion } from './common.js';
import { ROUTING_KINDS, routingManifest } from './kubernetes-object.js';

export const routingKind = z.enum(ROUTING_KINDS);

export const applyRoutingRequest = z.object({ schemaVersion, manifest: routingManifest, actor });
/** What `keyway.routing.apply` answers: the resource, where it lives now, and what the apply did. */
export const applyRoutingResult = z.object({
  kind: routingKind,
  namespace: k8sNamespace,
  name: k8sName,
  source: z.string(),
  /** `created`, `updated`, or `unchanged` when the stored manifest is identical. */
  outcome: z.enum(['created', 'updated', 'unchanged']),
});
export type ApplyRoutingResult = z.infer<typeof applyRoutingResult>;
export const deleteRoutingRequest = z.object({
  schemaVersion,
  kind: routingKind,
  namespace: k8sNamespace,
  name: k8sName,
  actor,
  ignoreNotFound: z.boolean().default(false),
});
export const getRoutingRequest = z.object({
  schemaVersion,
  kind: routingKind,
  namespace: k8sNamespace,
  name: k8sName,
});
export const listRoutingRequest = z.object({
  schemaVersion,
  kind: routingKind,
  namespace: k8sNamespace.optional(),
  page: page.optional(),
});
export const routingStatusRequest = z.object({
  schemaVersion,
  kind: routingKind.optional(),
  namespace: k8sNamespace.optional(),
  name: k8sName.optional(),
});

/** Compile status of one resource: accepted, or each reason it (or a part of it) was not. */
export const resourceStatus = z.object({
  resource: z.string(),
  accepted: z.boolean(),
  conditions: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })),
});
export type ResourceStatus = z.infer<typeof resourceStatus>;
