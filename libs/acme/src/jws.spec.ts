import { generateKeyPairSync } from 'node:crypto';
import { importJwk, jwkThumbprint, publicJwkOf } from './jwk.js';
import { checkProtectedHeader, jsonPayload, parseJws, verifyJws, type JwsAlgorithm } from './jws.js';
import { errorOf } from './testing/error-of.js';
import { signJws, testAccountKey } from '#keyway/testing';

const URL_ = 'https://ca.example/acme/int/new-order';

describe('JWK thumbprints (RFC 7638)', () => {
  it('matches the RFC 7638 §3.1 example', () => {
    const jwk = {
      kty: 'RSA' as const,
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
    };
    expect(jwkThumbprint(jwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('depends only on the required members, not their order or extra members', () => {
    const key = testAccountKey('ES256');
    const reordered = {
      y: (key.jwk as { y: string }).y,
      x: (key.jwk as { x: string }).x,
      crv: 'P-256',
      kty: 'EC',
      use: 'sig',
    };
    expect(importJwk(reordered).thumbprint).toBe(jwkThumbprint(key.jwk));
  });
});

describe('importJwk', () => {
  const small = publicJwkOf(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey);
  const ec = testAccountKey('ES256').jwk as Record<string, string>;
  it.each([
    ['a private key', { ...ec, d: 'AAAA' }, 'badPublicKey'],
    ['an unknown kty', { kty: 'oct', k: 'AAAA' }, 'badPublicKey'],
    ['an unsupported curve', { ...ec, crv: 'P-521' }, 'badPublicKey'],
    ['RSA under 2048 bits', small, 'badPublicKey'],
    ['a point not on the curve', { ...ec, x: ec.y }, 'badPublicKey'],
    ['not an object', 'jwk', 'malformed'],
    ['a non-base64url member', { ...ec, x: 'a+b/' }, 'badPublicKey'],
  ])('refuses %s', (_name, jwk, type) => {
    expect(errorOf(() => importJwk(jwk))).toBe(type);
  });

  it.each(['ES256', 'ES384', 'RS256', 'EdDSA'] as JwsAlgorithm[])('imports a %s key', (alg) => {
    const key = testAccountKey(alg);
    expect(importJwk(key.jwk).thumbprint).toBe(jwkThumbprint(key.jwk));
  });
});

describe('parseJws, checkProtectedHeader and verifyJws', () => {
  it.each(['ES256', 'ES384', 'RS256', 'EdDSA'] as JwsAlgorithm[])(
    'verifies a %s request signed with jwk',
    (alg) => {
      const key = testAccountKey(alg);
      const jws = parseJws(signJws(key, { jwk: key.jwk, nonce: 'n0nce', url: URL_ }, { a: 1 }));
      const h = checkProtectedHeader(jws, { url: URL_, key: 'jwk' });
      expect(h.ref.kind).toBe('jwk');
      if (h.ref.kind === 'jwk') verifyJws(jws, h.alg, h.ref.key);
      expect(jsonPayload(jws)).toEqual({ a: 1 });
    },
  );

  it('treats an empty payload as POST-as-GET', () => {
    const key = testAccountKey();
    const jws = parseJws(signJws(key, { kid: 'acct', nonce: 'n', url: URL_ }, ''));
    expect(jsonPayload(jws)).toBeUndefined();
  });

  it('refuses a JWS signed by another key than the one it names (malformed)', () => {
    const signer = testAccountKey();
    const named = testAccountKey();
    const jws = parseJws(signJws(signer, { jwk: named.jwk, nonce: 'n', url: URL_ }, {}));
    const h = checkProtectedHeader(jws, { url: URL_, key: 'jwk' });
    expect(errorOf(() => h.ref.kind === 'jwk' && verifyJws(jws, h.alg, h.ref.key))).toBe('malformed');
  });

  it('refuses a tampered payload (malformed)', () => {
    const key = testAccountKey();
    const signed = signJws(key, { jwk: key.jwk, nonce: 'n', url: URL_ }, { a: 1 });
    const jws = parseJws({ ...signed, payload: Buffer.from('{"a":2}').toString('base64url') });
    const h = checkProtectedHeader(jws, { url: URL_, key: 'jwk' });
    expect(errorOf(() => h.ref.kind === 'jwk' && verifyJws(jws, h.alg, h.ref.key))).toBe('malformed');
  });

  it('refuses an alg that does not fit the key', () => {
    const key = testAccountKey('ES256');
    const jws = parseJws(signJws(key, { jwk: key.jwk, nonce: 'n', url: URL_ }, {}));
    const imported = importJwk(key.jwk);
    expect(errorOf(() => verifyJws(jws, 'RS256', imported))).toBe('malformed');
  });

  const key = testAccountKey();
  const good = { jwk: key.jwk, nonce: 'n', url: URL_ };
  it.each([
    ['alg none', { ...good, alg: 'none' }, 'jwk', 'badSignatureAlgorithm'],
    ['alg HS256', { ...good, alg: 'HS256' }, 'jwk', 'badSignatureAlgorithm'],
    ['both jwk and kid', { ...good, kid: 'acct' }, 'either', 'malformed'],
    ['neither jwk nor kid', { nonce: 'n', url: URL_ }, 'either', 'malformed'],
    ['jwk where kid is needed', good, 'kid', 'malformed'],
    ['kid where jwk is needed', { kid: 'a', nonce: 'n', url: URL_ }, 'jwk', 'malformed'],
    ['no nonce', { jwk: key.jwk, url: URL_ }, 'jwk', 'badNonce'],
    ['no url', { jwk: key.jwk, nonce: 'n' }, 'jwk', 'malformed'],
    ['another url', { ...good, url: 'https://ca.example/acme/int/new-account' }, 'jwk', 'unauthorized'],
  ] as const)('refuses a header with %s', (_name, header, need, type) => {
    const jws = parseJws(signJws(key, header, {}));
    expect(errorOf(() => checkProtectedHeader(jws, { url: URL_, key: need }))).toBe(type);
  });

  const signed = signJws(key, good, {});
  it.each([
    ['not an object', '[]'],
    ['an unprotected header', { ...signed, header: { kid: 'x' } }],
    ['a general serialization', { payload: signed.payload, signatures: [] }],
    ['a non-base64url part', { ...signed, signature: 'a+b' }],
    ['a protected header that is not JSON', { ...signed, protected: Buffer.from('{').toString('base64url') }],
    ['a protected header without alg', { ...signed, protected: Buffer.from('{}').toString('base64url') }],
    ['a huge protected header', { ...signed, protected: 'A'.repeat(10_000) }],
  ])('parseJws refuses %s (malformed)', (_name, body) => {
    expect(errorOf(() => parseJws(body))).toBe('malformed');
  });

  it('refuses a payload that is not a JSON object', () => {
    const jws = parseJws({ ...signed, payload: Buffer.from('[1]').toString('base64url') });
    expect(errorOf(() => jsonPayload(jws))).toBe('malformed');
  });
});
