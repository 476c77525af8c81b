import { z } from 'zod';
import { isoTime, k8sNamespace, labels, schemaVersion } from './common.js';

const snapshotTypeUrl = z.enum([
  'type.googleapis.com/envoy.config.listener.v3.Listener',
  'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
]);

/** One compiled Envoy resource of one proxy group, at `<groupId>.<lds|rds|cds|eds>.<base64url(name)>`. */
export const xdsResourceRecord = z.object({
  schemaVersion,
  groupId: z.string().regex(/^g-[0-9a-f]{16}$/),
  typeUrl: snapshotTypeUrl,
  name: z.string().min(1),
  /** First 16 hex chars of the SHA-256 of `resource`'s bytes. */
  version: z.string().regex(/^[0-9a-f]{16}$/),
  /** Base64 of the Envoy protobuf encoding. */
  resource: z.string(),
});
export type XdsResourceRecord = z.infer<typeof xdsResourceRecord>;

/** Value of `keyway-proxy-groups` at `<groupId>`. */
export const proxyGroupRecord = z.object({
  schemaVersion,
  groupId: z.string().regex(/^g-[0-9a-f]{16}$/),
  namespace: k8sNamespace,
  labels,
  /** Hash over every resource version of the group. */
  version: z.string().min(1),
  resourceCount: z.number().int().min(0),
  compiledAt: isoTime.optional(),
});
export type ProxyGroupRecord = z.infer<typeof proxyGroupRecord>;
