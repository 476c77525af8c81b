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

export const proxyStatusEntry = z.object({
  nodeId: z.string(),
  namespace: z.string(),
  groupId: z.string(),
  replica: z.string(),
  /** Per xDS type: what the proxy ACKed, what is current, and whether they agree. */
  types: z.record(
    z.string(),
    z.object({
      acked: z.string().optional(),
      current: z.string().optional(),
      status: z.enum(['SYNCED', 'STALE', 'NOT SENT', 'NACKED']),
    }),
  ),
  secrets: z.record(z.string(), proxySecretState).optional(),
});
export type ProxyStatusEntry = z.infer<typeof proxyStatusEntry>;
