import {
  certificateResource,
  routingManifest,
  secretManifest,
  validatePayload,
  type FieldError,
} from '#keyway/contracts';

/**
 * The namespaced resources the api manages, by REST plural, and which service owns each.
 * Explicit list: adding a kind is one entry here and one backend.
 */
export const RESOURCE_KINDS = {
  secrets: { kind: 'Secret', owner: 'secrets' },
  gateways: { kind: 'Gateway', owner: 'routing' },
  virtualservices: { kind: 'VirtualService', owner: 'routing' },
  serviceentries: { kind: 'ServiceEntry', owner: 'routing' },
  certificates: { kind: 'Certificate', owner: 'certificates' },
  referencegrants: { kind: 'ReferenceGrant', owner: 'routing' },
} as const;
export type Plural = keyof typeof RESOURCE_KINDS;
export type ManagedKind = (typeof RESOURCE_KINDS)[Plural]['kind'];
export const PLURALS = Object.keys(RESOURCE_KINDS) as Plural[];

export function isPlural(v: string): v is Plural {
  return Object.hasOwn(RESOURCE_KINDS, v);
}

export function pluralOfKind(kind: string): Plural | undefined {
  return PLURALS.find((p) => RESOURCE_KINDS[p].kind === kind);
}

type Obj = Record<string, unknown>;

/**
 * Fills the namespace from the request path or `-n` when the manifest has none, and refuses a
 * manifest whose namespace disagrees with the path (as the Kubernetes API does).
 */
export function placeInNamespace(
  manifest: Obj,
  namespace: string,
  resource: string,
): { ok: true; manifest: Obj } | { ok: false; errors: FieldError[] } {
  const meta = (manifest.metadata ?? {}) as Obj;
  if (meta.namespace !== undefined && meta.namespace !== namespace) {
    return {
      ok: false,
      errors: [
        {
          code: 'invalid',
          resource,
          field: 'metadata.namespace',
          message: `${String(meta.namespace)} does not match the request namespace ${namespace}`,
        },
      ],
    };
  }
  return { ok: true, manifest: { ...manifest, metadata: { ...meta, namespace } } };
}

/** A secret as the secret-watcher summarises it -> a Kubernetes-shaped Secret without its data. */
export function secretObject(summary: Obj): Obj {
  if (typeof summary.apiVersion === 'string') return summary;
  const keys = Array.isArray(summary.keys) ? (summary.keys as string[]) : [];
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: summary.name,
      namespace: summary.namespace,
      creationTimestamp: summary.createdAt,
      annotations: {
        'keyway.io/revision': String(summary.revision ?? ''),
        'keyway.io/content-hash': String(summary.contentHash ?? ''),
        'keyway.io/source': String(summary.source ?? ''),
        'keyway.io/keys': keys.join(','),
        ...(summary.notAfter ? { 'keyway.io/not-after': String(summary.notAfter) } : {}),
        ...(summary.serial ? { 'keyway.io/serial': String(summary.serial) } : {}),
        ...(summary.issuer ? { 'keyway.io/issuer': String(summary.issuer) } : {}),
        ...(Array.isArray(summary.hosts) ? { 'keyway.io/hosts': (summary.hosts as string[]).join(',') } : {}),
        ...(Array.isArray(summary.sources)
          ? { 'keyway.io/sources': (summary.sources as string[]).join(',') }
          : {}),
        ...(summary.updatedAt ? { 'keyway.io/updated-at': String(summary.updatedAt) } : {}),
      },
    },
    type: summary.type ?? 'Opaque',
  };
}

/** A routing service answer (a manifest, or `{ manifest, status }`) -> one Kubernetes object. */
export function routingObject(result: Obj): Obj {
  if (result.manifest && typeof result.manifest === 'object') {
    const manifest = result.manifest as Obj;
    const meta = manifest.metadata as Obj | undefined;
    // A manifest from the routes directory may leave its namespace to the default it was read into.
    const metadata =
      typeof result.namespace === 'string' && meta?.namespace === undefined
        ? { metadata: { ...meta, namespace: result.namespace } }
        : {};
    return { ...manifest, ...metadata, ...(result.status ? { status: result.status } : {}) };
  }
  return result;
}

/** A list answer in any of the shapes services use: an array, or `{ items, next }`. */
export function itemsOf(result: unknown): Obj[] {
  if (Array.isArray(result)) return result as Obj[];
  if (result && typeof result === 'object' && Array.isArray((result as Obj).items))
    return (result as Obj).items as Obj[];
  return [];
}

const KEY_TYPES: Record<string, string> = {
  'ECDSA-256': 'ecdsa-p256',
  'ECDSA-384': 'ecdsa-p384',
  'RSA-2048': 'rsa-2048',
  'RSA-3072': 'rsa-3072',
  'RSA-4096': 'rsa-4096',
};

/** A cert-manager `Certificate` manifest -> keyway's certificate resource (validated by the ca). */
export function certificateResourceOf(manifest: Obj, namespace: string): Obj {
  const meta = (manifest.metadata ?? {}) as Obj;
  const spec = (manifest.spec ?? {}) as Obj;
  const pk = (spec.privateKey ?? {}) as Obj;
  const algorithm = String(pk.algorithm ?? 'ECDSA').toUpperCase();
  const size = pk.size ?? (algorithm === 'RSA' ? 2048 : 256);
  const usages = Array.isArray(spec.usages) ? (spec.usages as string[]) : [];
  const server = usages.length === 0 || usages.includes('server auth');
  const client = usages.includes('client auth');
  const out: Obj = {
    namespace,
    name: meta.name,
    secretName: spec.secretName,
    issuer: (spec.issuerRef as Obj | undefined)?.name,
    sans: {
      dns: spec.dnsNames ?? [],
      ip: spec.ipAddresses ?? [],
      uri: spec.uris ?? [],
    },
    keyType: KEY_TYPES[`${algorithm}-${String(size)}`] ?? `${algorithm.toLowerCase()}-${String(size)}`,
    usage: server && client ? 'server-client' : client ? 'client' : 'server',
  };
  if (spec.commonName !== undefined) out.commonName = spec.commonName;
  if (spec.duration !== undefined) out.duration = spec.duration;
  if (spec.renewBefore !== undefined) out.renewBefore = spec.renewBefore;
  return out;
}

/** keyway's certificate resource and its status -> a cert-manager-shaped object. */
export function certificateObject(result: Obj): Obj {
  if (typeof result.apiVersion === 'string') return result;
  const cert = (result.certificate ?? result) as Obj;
  const status = (result.status ?? (result.certificate ? undefined : result)) as Obj | undefined;
  const sans = (cert.sans ?? {}) as Obj;
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: cert.name, namespace: cert.namespace },
    spec: {
      secretName: cert.secretName,
      issuerRef: cert.issuer ? { name: cert.issuer } : undefined,
      commonName: cert.commonName,
      dnsNames: sans.dns,
      ipAddresses: sans.ip,
      uris: sans.uri,
      duration: cert.duration,
      renewBefore: cert.renewBefore,
    },
    ...(status ? { status: { ...status, namespace: undefined, name: undefined } } : {}),
  };
}

/**
 * The checks an apply makes of one document before its owning service sees it, in one place for the
 * apply and the dry run: placed in its namespace, then the owner's payload shape (a Certificate as
 * the ca's certificate resource). `stage` says which failed.
 */
export function checkManifest(
  plural: Plural,
  namespace: string,
  manifest: Obj,
  resource: string,
): { ok: true; value: Obj } | { ok: false; stage: 'namespace' | 'schema'; errors: FieldError[] } {
  const placed = placeInNamespace(manifest, namespace, resource);
  if (!placed.ok) return { ok: false, stage: 'namespace', errors: placed.errors };
  const owner = RESOURCE_KINDS[plural].owner;
  const v =
    owner === 'secrets'
      ? validatePayload(secretManifest, placed.manifest, resource)
      : owner === 'routing'
        ? validatePayload(routingManifest, placed.manifest, resource)
        : validatePayload(certificateResource, certificateResourceOf(placed.manifest, namespace), resource);
  return v.ok ? { ok: true, value: v.value as Obj } : { ok: false, stage: 'schema', errors: v.errors };
}
