import {
  certificateResourceOf,
  itemsOf,
  placeInNamespace,
  pluralOfKind,
  routingObject,
  secretObject,
} from './kinds.js';

describe('resource kinds', () => {
  it('maps kinds to plurals', () => {
    expect(pluralOfKind('VirtualService')).toBe('virtualservices');
    expect(pluralOfKind('Deployment')).toBeUndefined();
  });

  it('places a manifest in the request namespace and refuses a different one', () => {
    expect(placeInNamespace({ metadata: { name: 'a' } }, 'ns', 'Secret/ns/a')).toEqual({
      ok: true,
      manifest: { metadata: { name: 'a', namespace: 'ns' } },
    });
    expect(
      placeInNamespace({ metadata: { name: 'a', namespace: 'other' } }, 'ns', 'Secret/ns/a'),
    ).toMatchObject({
      ok: false,
      errors: [{ field: 'metadata.namespace', resource: 'Secret/ns/a' }],
    });
  });

  it('shapes service answers as Kubernetes objects', () => {
    const s = secretObject({
      namespace: 'n',
      name: 'x',
      type: 'kubernetes.io/tls',
      keys: ['tls.crt', 'tls.key'],
      source: 'api',
      revision: 2,
      contentHash: 'h',
      createdAt: 't',
      updatedAt: 'u',
    });
    expect(s).toMatchObject({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: {
        name: 'x',
        namespace: 'n',
        creationTimestamp: 't',
        annotations: { 'keyway.io/keys': 'tls.crt,tls.key' },
      },
    });
    expect(s).not.toHaveProperty('data');
    expect(routingObject({ manifest: { kind: 'Gateway' }, status: { accepted: true } })).toEqual({
      kind: 'Gateway',
      status: { accepted: true },
    });
    // A list item: the object with the namespace it was stored under.
    expect(
      routingObject({
        kind: 'Gateway',
        namespace: 'team-a',
        name: 'gw',
        manifest: { kind: 'Gateway', metadata: { name: 'gw' } },
      }),
    ).toEqual({ kind: 'Gateway', metadata: { name: 'gw', namespace: 'team-a' } });
    expect(itemsOf({ items: [1] })).toEqual([1]);
    expect(itemsOf([2])).toEqual([2]);
    expect(itemsOf(undefined)).toEqual([]);
  });

  it('reads a cert-manager Certificate', () => {
    expect(
      certificateResourceOf(
        {
          metadata: { name: 'c' },
          spec: {
            secretName: 's',
            issuerRef: { name: 'int' },
            dnsNames: ['a.example'],
            privateKey: { algorithm: 'RSA', size: 3072 },
            usages: ['server auth', 'client auth'],
            duration: '2160h',
          },
        },
        'ns',
      ),
    ).toEqual({
      namespace: 'ns',
      name: 'c',
      secretName: 's',
      issuer: 'int',
      sans: { dns: ['a.example'], ip: [], uri: [] },
      keyType: 'rsa-3072',
      usage: 'server-client',
      duration: '2160h',
    });
  });
});
