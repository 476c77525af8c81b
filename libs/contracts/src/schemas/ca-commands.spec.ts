import type { z } from 'zod';
import { validatePayload } from '../validate.js';
import * as C from './ca-commands.js';

const user = { kind: 'user', name: 'alice', team: 'payments' };

// The ca payloads added for policies, Certificate resources, listing, CRLs and revocation: a valid
// payload, a malformed one, and the field path the error must name.
const cases: Array<[string, z.ZodType, unknown, unknown, string]> = [
  [
    'applyCaPolicyRequest',
    C.applyCaPolicyRequest,
    {
      schemaVersion: 1,
      policy: { team: 'payments', name: 'web', issuers: ['*'], maxTtl: '720h' },
      actor: user,
    },
    {
      schemaVersion: 1,
      policy: { team: 'payments', name: 'web', issuers: ['*'], maxTtl: '30d' },
      actor: user,
    },
    'policy.maxTtl',
  ],
  [
    'getCaPolicyRequest',
    C.getCaPolicyRequest,
    { schemaVersion: 1, team: 'payments', name: 'web' },
    { schemaVersion: 1, team: 'Payments', name: 'web' },
    'team',
  ],
  [
    'listCaPoliciesRequest',
    C.listCaPoliciesRequest,
    { schemaVersion: 1 },
    { schemaVersion: 2 },
    'schemaVersion',
  ],
  [
    'applyCertificateRequest',
    C.applyCertificateRequest,
    {
      schemaVersion: 1,
      certificate: {
        namespace: 'payments',
        name: 'api',
        secretName: 'api-tls',
        issuer: 'int',
        sans: { dns: ['api.example.com'] },
      },
      actor: user,
    },
    {
      schemaVersion: 1,
      certificate: {
        namespace: 'payments',
        name: 'api',
        secretName: 'api-tls',
        issuer: 'int',
        sans: {},
        usage: 'email',
      },
      actor: user,
    },
    'certificate.usage',
  ],
  [
    'getCertificateRequest',
    C.getCertificateRequest,
    { schemaVersion: 1, namespace: 'a', name: 'b' },
    { schemaVersion: 1, namespace: 'a' },
    'name',
  ],
  [
    'deleteCertificateRequest',
    C.deleteCertificateRequest,
    { schemaVersion: 1, namespace: 'a', name: 'b', actor: user },
    { schemaVersion: 1, namespace: 'a', name: 'b' },
    'actor',
  ],
  [
    'listCertificatesRequest',
    C.listCertificatesRequest,
    { schemaVersion: 1, namespace: 'a' },
    { schemaVersion: 1, namespace: 'A' },
    'namespace',
  ],
  ['listAuthoritiesRequest', C.listAuthoritiesRequest, { schemaVersion: 1 }, {}, 'schemaVersion'],
  [
    'revokeRequest',
    C.revokeRequest,
    { schemaVersion: 1, serial: '0a:1b', reason: 'keyCompromise', actor: user },
    { schemaVersion: 1, serial: '0a:1b', reason: 'because', actor: user },
    'reason',
  ],
  [
    'issueCredentialRequest',
    C.issueCredentialRequest,
    {
      schemaVersion: 1,
      issuer: 'int',
      sans: { dns: ['a.example.com'] },
      namespace: 'istio-system',
      secretName: 'httpbin-credential',
      includeCrl: true,
      actor: user,
    },
    {
      schemaVersion: 1,
      issuer: 'int',
      sans: { dns: ['a.example.com'] },
      namespace: 'istio-system',
      secretName: 'httpbin-credential',
      includeCrl: 'yes',
      actor: user,
    },
    'includeCrl',
  ],
];

describe('ca command payloads', () => {
  it.each(cases)('%s accepts a well-formed payload', (_name, schema, valid) => {
    expect(validatePayload(schema, valid)).toMatchObject({ ok: true });
  });

  it.each(cases)('%s names the bad field', (_name, schema, _valid, invalid, field) => {
    const r = validatePayload(schema, invalid);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field)).toContain(field);
  });

  it('fills policy and Certificate defaults', () => {
    expect(C.caPolicySpec.parse({ team: 'a', name: 'b', issuers: ['*'], maxTtl: '1h' })).toMatchObject({
      keyTypes: ['ecdsa-p256'],
      usages: ['server'],
      allowWildcardNames: false,
      allowedDomains: [],
    });
    expect(
      C.certificateResource.parse({ namespace: 'a', name: 'b', secretName: 'c', issuer: 'd', sans: {} }),
    ).toMatchObject({
      duration: '2160h',
      keyType: 'ecdsa-p256',
      usage: 'server',
      includeCa: true,
      includeCrl: false,
    });
  });
});
