import { z } from 'zod';
import { isoTime, k8sNamespace, labels, schemaVersion } from './common.js';

/** Value of `keyway-proxies` at `base64url(node.id)`; removed when the proxy disconnects. */
export const proxySecretState = z.object({ sent: z.string().optional(), acked: z.string().optional() });
export type ProxySecretState = z.infer<typeof proxySecretState>;
/** Secrets tracked per proxy record: a proxy with more is still served, the rest are not listed. */
export const MAX_TRACKED_SECRETS = 1000;

export const proxyRecord = z.object({
  schemaVersion,
  nodeId: z.string().min(1),
  namespace: k8sNamespace,
  labels,
  groupId: z.string().regex(/^g-[0-9a-f]{16}$/),
  /** Which sds-server replica holds the stream. */
  replica: z.string().min(1),
  connectedSince: isoTime,
  streams: z.number().int().min(0),
  acked: z.record(z.string(), z.string()),
  /** Per type URL: the version last written to the proxy (sds-server), so any replica can tell SYNCED from STALE. */
  sent: z.record(z.string(), z.string()).optional(),
  lastNack: z
    .object({ typeUrl: z.string(), version: z.string(), nonce: z.string(), message: z.string(), at: isoTime })
    .optional(),
  /**
   * Per SDS resource name: the resource version (credential content hash prefix) last sent and the
   * one the proxy ACKed, for `keyway proxy-config secret`. Bounded (MAX_TRACKED_SECRETS).
   */
  secrets: z.record(z.string(), proxySecretState).optional(),
});
export type ProxyRecord = z.infer<typeof proxyRecord>;

export const proxyStatusRequest = z.object({ namespace: k8sNamespace.optional() });

/** Per xDS type: what the proxy ACKed, what is current, and whether they agree. */
export const proxyTypeStatus = z.object({
  acked: z.string().optional(),
  current: z.string().optional(),
  status: z.enum(['SYNCED', 'STALE', 'NOT SENT', 'NACKED']),
});

export const proxyStatusEntry = z.object({
  nodeId: z.string(),
  namespace: z.string(),
  groupId: z.string(),
  replica: z.string(),
  types: z.record(z.string(), proxyTypeStatus),
  secrets: z.record(z.string(), proxySecretState).optional(),
});
export type ProxyStatusEntry = z.infer<typeof proxyStatusEntry>;

/** `keyway.proxies.config`: the compiled resources of one type a proxy is served, decoded (istioctl proxy-config). */
export const PROXY_CONFIG_TYPES = ['listener', 'route', 'cluster', 'endpoint'] as const;
export const proxyConfigRequest = z.object({
  namespace: k8sNamespace,
  nodeId: z.string().min(1).max(1024),
  type: z.enum(PROXY_CONFIG_TYPES),
  /** At most this many resources (a group may hold thousands; a NATS reply is bounded). */
  limit: z.number().int().min(1).max(2000).default(500),
});
export type ProxyConfigRequest = z.infer<typeof proxyConfigRequest>;
export const proxyConfigResult = z.object({
  nodeId: z.string(),
  groupId: z.string(),
  typeUrl: z.string(),
  /** The proxy's state for this type, as `keyway proxy-status` shows it. */
  status: proxyTypeStatus,
  /** Sorted by name; each the Envoy resource as JSON (proto field names). */
  resources: z.array(
    z.object({ name: z.string(), version: z.string(), resource: z.record(z.string(), z.unknown()) }),
  ),
  /** Resources left out by `limit`. */
  omitted: z.number().int().min(0),
});
export type ProxyConfigResult = z.infer<typeof proxyConfigResult>;
