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

  it('canonical JSON is the text of its definition for any value (audit hashes depend on every byte)', () => {
    // The definition, written the plain way: sorted entries without undefined, recursively.
    const definition = (v: unknown): string => {
      if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
      if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : definition(x))).join(',')}]`;
      const entries = Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${definition(x)}`).join(',')}}`;
    };
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const keys = ['a', 'B', 'é', '\u{1F600}', 'a"b', '', '10', '9', 'z\n', '\uD800'];
    const value = (depth: number): unknown => {
      const pick = Math.floor(random() * (depth > 3 ? 6 : 9));
      if (pick === 0) return null;
      if (pick === 1) return undefined;
      if (pick === 2) return random() * 1e6 - 5e5;
      if (pick === 3) return keys[Math.floor(random() * keys.length)];
      if (pick === 4) return random() < 0.5;
      if (pick === 5) return new Date(0);
      if (pick === 6) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 5) }, () => [
          keys[Math.floor(random() * keys.length)],
          value(depth + 1),
        ]),
      );
    };
    for (let i = 0; i < 2000; i++) {
      const v = value(0);
      expect(canonicalJson(v)).toBe(definition(v));
    }
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
