import type { z } from 'zod';
import * as C from './index.js';

const sealed = { alg: 'A256GCM', kid: 'k1', iv: 'aXY=', tag: 'dGFn', ciphertext: 'Y3Q=' };
const hash = 'a'.repeat(64);
const user = { kind: 'user', name: 'alice', team: 'payments' };

// Each schema: a valid payload, a malformed one, and the field path the error must name.
const cases: Array<[string, z.ZodType, unknown, unknown, string]> = [
  [
    'credentialRecord',
    C.credentialRecord,
    {
      schemaVersion: 1,
      namespace: 'istio-system',
      name: 'httpbin-credential',
      kind: 'tls-certificate',
      revision: 1,
      contentHash: hash,
      state: 'active',
      caFingerprints: [],
      material: sealed,
    },
    {
      schemaVersion: 1,
      namespace: 'istio-system',
      name: 'httpbin-credential',
      kind: 'tls-certificate',
      revision: 0,
      contentHash: hash,
      state: 'active',
      caFingerprints: [],
      material: sealed,
    },
    'revision',
  ],
  [
    'xdsResourceRecord',
    C.xdsResourceRecord,
    {
      schemaVersion: 1,
      groupId: 'g-0123456789abcdef',
      typeUrl: 'type.googleapis.com/envoy.config.listener.v3.Listener',
      name: '0.0.0.0_443',
      version: '0123456789abcdef',
      resource: '',
    },
    {
      schemaVersion: 1,
      groupId: 'g-0123456789abcdef',
      typeUrl: 'type.googleapis.com/envoy.config.listener.v3.Nope',
      name: '0.0.0.0_443',
      version: '0123456789abcdef',
      resource: '',
    },
    'typeUrl',
  ],
  [
    'proxyGroupRecord',
    C.proxyGroupRecord,
    {
      schemaVersion: 1,
      groupId: 'g-0123456789abcdef',
      namespace: 'istio-system',
      labels: { istio: 'ingressgateway' },
      version: 'v',
      resourceCount: 3,
    },
    {
      schemaVersion: 1,
      groupId: 'g-0123456789abcdef',
      namespace: 'istio-system',
      labels: { istio: 7 },
      version: 'v',
      resourceCount: 3,
    },
    'labels.istio',
  ],
  [
    'proxyRecord',
    C.proxyRecord,
    {
      schemaVersion: 1,
      nodeId: 'router~1',
      namespace: 'istio-system',
      labels: {},
      groupId: 'g-0123456789abcdef',
      replica: 'r1',
      connectedSince: '2026-11-24T00:00:00Z',
      streams: 1,
      acked: {},
    },
    {
      schemaVersion: 1,
      nodeId: 'router~1',
      namespace: 'Istio_System',
      labels: {},
      groupId: 'g-0123456789abcdef',
      replica: 'r1',
      connectedSince: '2026-11-24T00:00:00Z',
      streams: 1,
      acked: {},
    },
    'namespace',
  ],
  [
    'applySecretRequest',
    C.applySecretRequest,
    { schemaVersion: 1, sealedManifest: sealed, actor: user },
    { schemaVersion: 1, sealedManifest: { ...sealed, alg: 'none' }, actor: user },
    'sealedManifest.alg',
  ],
  [
    'deleteSecretRequest',
    C.deleteSecretRequest,
    { schemaVersion: 1, namespace: 'istio-system', name: 'httpbin-credential', actor: user },
    {
      schemaVersion: 1,
      namespace: 'istio-system',
      name: 'httpbin-credential',
      actor: { kind: 'robot', name: 'x' },
    },
    'actor.kind',
  ],
  [
    'secretManifest',
    C.secretManifest,
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a', namespace: 'b' }, data: { cert: 'Zm9v' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'A_b' } },
    'metadata.name',
  ],
  [
    'routingManifest',
    C.routingManifest,
    { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'mygateway' }, spec: {} },
    { apiVersion: 'networking.istio.io/v2', kind: 'Gateway', metadata: { name: 'mygateway' }, spec: {} },
    'apiVersion',
  ],
  [
    'credentialHistoryRequest',
    C.credentialHistoryRequest,
    { schemaVersion: 1, namespace: 'ns', name: 'n', page: { limit: 10 } },
    { schemaVersion: 1, namespace: 'ns', name: 'n', page: { limit: 0 } },
    'page.limit',
  ],
  [
    'issueRequest',
    C.issueRequest,
    { schemaVersion: 1, issuer: 'team-a-intermediate', sans: { dns: ['httpbin.example.com'] }, actor: user },
    {
      schemaVersion: 1,
      issuer: 'team-a-intermediate',
      sans: { dns: ['httpbin.example.com'] },
      ttl: '3 days',
      actor: user,
    },
    'ttl',
  ],
  [
    'revokeRequest',
    C.revokeRequest,
    { schemaVersion: 1, serial: '0a:1b', reason: 'keyCompromise', actor: user },
    { schemaVersion: 1, serial: '0a:1b', reason: 'because', actor: user },
    'reason',
  ],
  [
    'applyRoutingRequest',
    C.applyRoutingRequest,
    {
      schemaVersion: 1,
      manifest: {
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'VirtualService',
        metadata: { name: 'httpbin' },
        spec: {},
      },
      actor: user,
    },
    {
      schemaVersion: 1,
      manifest: {
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'Service',
        metadata: { name: 'httpbin' },
        spec: {},
      },
      actor: user,
    },
    'manifest.kind',
  ],
];

describe('contracts: payload schemas', () => {
  it.each(cases)('%s accepts a well-formed payload', (_name, schema, valid) => {
    expect(C.validatePayload(schema, valid)).toMatchObject({ ok: true });
  });

  it.each(cases)(
    '%s rejects a malformed payload naming the field',
    (_name, schema, _valid, malformed, field) => {
      const result = C.validatePayload(schema, malformed, 'Secret/istio-system/x');
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors.map((e) => e.field)).toContain(field);
      expect(result.errors[0].resource).toBe('Secret/istio-system/x');
    },
  );

  it('rejects a payload of a different schema version', () => {
    const result = C.validatePayload(C.getSecretRequest, { schemaVersion: 2, namespace: 'a', name: 'b' });
    expect(result).toMatchObject({ ok: false, errors: [{ field: 'schemaVersion' }] });
  });

  it('formats field paths with indices', () => {
    expect(C.fieldPath(['spec', 'servers', 0, 'tls', 'credentialName'])).toBe(
      'spec.servers[0].tls.credentialName',
    );
    expect(
      C.formatFieldError({
        code: 'x',
        resource: 'Gateway/default/mygateway',
        field: 'spec.servers[0].port',
        message: 'required',
      }),
    ).toBe('Gateway/default/mygateway: spec.servers[0].port: required');
  });
});

describe('contracts: names', () => {
  it('declares every subject once, all under keyway.', () => {
    const subjects = C.allSubjects();
    expect(new Set(subjects).size).toBe(subjects.length);
    for (const s of subjects) expect(s).toMatch(/^keyway\.[a-z.-]+$/);
  });

  it('derives the same proxy group id whatever the label order', () => {
    const a = C.proxyGroupId('istio-system', { istio: 'ingressgateway', app: 'gw' });
    const b = C.proxyGroupId('istio-system', { app: 'gw', istio: 'ingressgateway' });
    expect(a).toBe(b);
    expect(a).toMatch(/^g-[0-9a-f]{16}$/);
    expect(C.proxyGroupId('default', { istio: 'ingressgateway' })).not.toBe(
      C.proxyGroupId('istio-system', { istio: 'ingressgateway' }),
    );
  });

  it('builds KV keys that round-trip', () => {
    expect(C.credentialKey('istio-system', 'httpbin-credential-cacert')).toBe(
      'istio-system.httpbin-credential-cacert',
    );
    expect(C.parseCredentialKey('ns.a.b')).toEqual({ namespace: 'ns', name: 'a.b' });
    const key = C.snapshotKey(
      'g-0123456789abcdef',
      'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
      'https.443.https.mygateway.default',
    );
    expect(key).toMatch(/^g-0123456789abcdef\.rds\.[A-Za-z0-9_-]+$/);
    expect(C.fromBase64url(key.split('.')[2])).toBe('https.443.https.mygateway.default');
  });
});
