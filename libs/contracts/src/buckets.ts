import { createHash } from 'node:crypto';

/** JetStream KV buckets: the state a consumer rebuilds its world from. */
export const Buckets = {
  credentials: 'keyway-credentials',
  xdsSnapshots: 'keyway-xds-snapshots',
  proxyGroups: 'keyway-proxy-groups',
  proxies: 'keyway-proxies',
  teams: 'keyway-teams',
  leases: 'keyway-leases',
} as const;

export type BucketName = (typeof Buckets)[keyof typeof Buckets];

/** Settings each bucket is provisioned with; provisioning converges every replica on these. */
export interface BucketSettings {
  history: number;
  /** Entries expire after this many ms (0: never). */
  ttlMs: number;
  description: string;
}

export const BUCKET_SETTINGS: Record<BucketName, BucketSettings> = {
  [Buckets.credentials]: {
    history: 5,
    ttlMs: 0,
    description: 'current credential per namespace/SDS name, key material sealed',
  },
  [Buckets.xdsSnapshots]: { history: 1, ttlMs: 0, description: 'compiled Envoy resources per proxy group' },
  [Buckets.proxyGroups]: { history: 1, ttlMs: 0, description: 'proxy groups with their compiled version' },
  [Buckets.teams]: {
    history: 1,
    ttlMs: 0,
    description:
      "teams: their namespaces and the domains whose hosts they own (the api's, for the route-compiler)",
  },
  [Buckets.leases]: {
    history: 1,
    ttlMs: 0,
    description:
      'leader leases of the active-standby services (secret-watcher, route-compiler, ca): holder, revision-checked renewals',
  },
  [Buckets.proxies]: {
    history: 1,
    ttlMs: 0,
    description: 'connected proxies, their identity and ACKed versions',
  },
};

export function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

export function fromBase64url(text: string): string {
  return Buffer.from(text, 'base64url').toString('utf8');
}

/** `<namespace>.<sdsName>`; Kubernetes names are DNS labels, so the first dot splits them. */
export function credentialKey(namespace: string, sdsName: string): string {
  return `${namespace}.${sdsName}`;
}

export function parseCredentialKey(key: string): { namespace: string; name: string } {
  const dot = key.indexOf('.');
  return { namespace: key.slice(0, dot), name: key.slice(dot + 1) };
}

export const XdsTypeShort = {
  'type.googleapis.com/envoy.config.listener.v3.Listener': 'lds',
  'type.googleapis.com/envoy.config.route.v3.RouteConfiguration': 'rds',
  'type.googleapis.com/envoy.config.cluster.v3.Cluster': 'cds',
  'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment': 'eds',
} as const;

export type SnapshotTypeUrl = keyof typeof XdsTypeShort;

export function snapshotKey(groupId: string, typeUrl: SnapshotTypeUrl, resourceName: string): string {
  return `${groupId}.${XdsTypeShort[typeUrl]}.${base64url(resourceName)}`;
}

export function snapshotKeyPrefix(groupId: string): string {
  return `${groupId}.`;
}

export function proxyKey(nodeId: string): string {
  return base64url(nodeId);
}

/**
 * Proxies with the same namespace and labels get the same compiled config. Every service derives
 * the group id with this one function.
 */
export function proxyGroupId(namespace: string, labels: Record<string, string>): string {
  const lines = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`);
  const digest = createHash('sha256')
    .update([namespace, ...lines].join('\n'))
    .digest('hex');
  return `g-${digest.slice(0, 16)}`;
}
