import { PrivateKeyPem } from '#keyway/key-material';
import { resolveCredentials } from './resolve.js';
import { makeLeaf, makeRoot, secret } from './testing/certificates.js';
import { canonicalJson, contentHash, materialJson } from './version.js';

const root = makeRoot('version root');
const leaf = makeLeaf(root);

describe('versions', () => {
  it('canonical JSON sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"z":1}]},"b":1}',
    );
  });

  it('the same content with other line endings and whitespace is the same version', () => {
    const a = { certificateChain: leaf.pem, privateKey: new PrivateKeyPem(leaf.keyPem) };
    const crlf = {
      certificateChain: `\n${leaf.pem.replace(/\n/g, '\r\n')}  `,
      privateKey: new PrivateKeyPem(leaf.keyPem.replace(/\n/g, '\r\n')),
    };
    expect(contentHash('tls-certificate', crlf)).toBe(contentHash('tls-certificate', a));
    expect(contentHash('tls-certificate', a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a different key, chain or kind is a different version', () => {
    const other = makeLeaf(root);
    const base = contentHash('tls-certificate', {
      certificateChain: leaf.pem,
      privateKey: new PrivateKeyPem(leaf.keyPem),
    });
    expect(
      contentHash('tls-certificate', {
        certificateChain: leaf.pem,
        privateKey: new PrivateKeyPem(other.keyPem),
      }),
    ).not.toBe(base);
    expect(
      contentHash('tls-certificate', {
        certificateChain: other.pem,
        privateKey: new PrivateKeyPem(leaf.keyPem),
      }),
    ).not.toBe(base);
    expect(contentHash('validation-context', { trustedCa: root.pem })).not.toBe(
      contentHash('tls-certificate', { trustedCa: root.pem }),
    );
  });

  it('material JSON is what consumers open: normalized PEM strings', () => {
    const json = JSON.parse(materialJson({ trustedCa: root.pem.replace(/\n/g, '\r\n'), crl: undefined }));
    expect(json).toEqual({ trustedCa: root.pem });
  });

  it('resolving the same Secret twice (data or stringData) yields the same version', () => {
    const viaData = secret('same', { cert: leaf.pem, key: leaf.keyPem });
    const viaString = {
      ...viaData,
      data: undefined,
      stringData: { cert: leaf.pem + '\n', key: leaf.keyPem },
    };
    const [a] = resolveCredentials([viaData]).credentials;
    const [b] = resolveCredentials([viaString]).credentials;
    expect(a.contentHash).toBe(b.contentHash);
  });
});
