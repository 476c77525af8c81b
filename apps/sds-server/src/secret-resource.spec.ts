import { createHash } from 'node:crypto';
import { decodeMessage, TypeUrl } from '#keyway/envoy-api';
import type { CredentialRecord } from '#keyway/contracts';
import { credentialSecrets, CredentialShapeError, parseSdsName } from './secret-resource.js';

function record(kind: CredentialRecord['kind']): CredentialRecord {
  return {
    schemaVersion: 1,
    namespace: 'istio-system',
    name: kind === 'tls-certificate' ? 'httpbin-credential' : 'httpbin-credential-cacert',
    kind,
    revision: 3,
    contentHash: createHash('sha256').update(kind).digest('hex'),
    state: 'active',
    caFingerprints: [],
    material: { alg: 'A256GCM', kid: 'k', iv: 'i', tag: 't', ciphertext: 'c' },
  };
}

const text = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

describe('SDS names', () => {
  it.each([
    ['kubernetes://httpbin-credential', { sdsName: 'httpbin-credential' }],
    ['kubernetes://team-a/httpbin-credential', { namespace: 'team-a', sdsName: 'httpbin-credential' }],
    ['kubernetes://', undefined],
    ['kubernetes://a/b/c', undefined],
    ['file-cert:/etc/cert.pem', undefined],
    ['default', undefined],
  ])('%s', (name, parsed) => {
    expect(parseSdsName(name)).toEqual(parsed);
  });
});

describe('credentialSecrets', () => {
  it('a tls-certificate becomes a Secret under both names, versioned by content hash', () => {
    const r = record('tls-certificate');
    const out = credentialSecrets(r, { certificateChain: 'CHAIN', privateKey: 'KEY' });
    expect(out.map((o) => o.name)).toEqual([
      'kubernetes://httpbin-credential',
      'kubernetes://istio-system/httpbin-credential',
    ]);
    expect(out[0].entry.version).toBe(r.contentHash.slice(0, 16));
    const secret = decodeMessage(TypeUrl.Secret, out[1].entry.bytes) as any;
    expect(secret.name).toBe('kubernetes://istio-system/httpbin-credential');
    expect(text(secret.tls_certificate.certificate_chain.inline_bytes)).toBe('CHAIN');
    expect(text(secret.tls_certificate.private_key.inline_bytes)).toBe('KEY');
  });

  it('a validation-context carries the trusted CA and the CRL', () => {
    const out = credentialSecrets(record('validation-context'), { trustedCa: 'CA', crl: 'CRL' });
    const secret = decodeMessage(TypeUrl.Secret, out[0].entry.bytes) as any;
    expect(secret.name).toBe('kubernetes://httpbin-credential-cacert');
    expect(text(secret.validation_context.trusted_ca.inline_bytes)).toBe('CA');
    expect(text(secret.validation_context.crl.inline_bytes)).toBe('CRL');
  });

  it.each([
    ['tls-certificate' as const, { certificateChain: 'CHAIN' }, /needs certificateChain and privateKey/],
    ['validation-context' as const, { crl: 'CRL' }, /needs trustedCa/],
  ])('refuses an incomplete %s with the resource and field', (kind, material, reason) => {
    expect(() => credentialSecrets(record(kind), material)).toThrow(CredentialShapeError);
    expect(() => credentialSecrets(record(kind), material)).toThrow(reason);
    expect(() => credentialSecrets(record(kind), material)).toThrow(
      /^Secret\/istio-system\/httpbin-credential.*: material: /,
    );
  });
});
