import { randomBytes } from 'node:crypto';
import { parseExternalAccountBinding, verifyExternalAccountBinding } from './eab.js';
import { errorOf } from './testing/error-of.js';
import { signEab, signJws, testAccountKey } from '#keyway/testing';

const URL_ = 'https://ca.example/acme/int/new-account';
const hmac = randomBytes(32);
const account = testAccountKey();
const other = testAccountKey();

const check = (value: unknown, key = hmac) => {
  const b = parseExternalAccountBinding(value, { url: URL_, accountJwk: account.jwk });
  verifyExternalAccountBinding(b, key);
  return b.kid;
};

describe('External Account Binding (RFC 8555 §7.3.4)', () => {
  it('accepts the binding of the account key MACed with the issued key', () => {
    expect(check(signEab('kw-eab-1', hmac, URL_, account.jwk))).toBe('kw-eab-1');
  });

  const good = signEab('kw-eab-1', hmac, URL_, account.jwk);
  it.each([
    ['a MAC with another key', good, randomBytes(32), 'unauthorized'],
    ['a binding of another account key', signEab('kw-eab-1', hmac, URL_, other.jwk), hmac, 'unauthorized'],
    [
      'a binding for another URL',
      signEab('kw-eab-1', hmac, 'https://x/new-account', account.jwk),
      hmac,
      'unauthorized',
    ],
    [
      'a signature alg instead of a MAC',
      signJws(account, { kid: 'kw-eab-1', url: URL_ }, account.jwk),
      hmac,
      'malformed',
    ],
    ['a nonce', signNonce(), hmac, 'malformed'],
    ['no kid', withHeader({ alg: 'HS256', url: URL_ }), hmac, 'malformed'],
    ['a truncated MAC', { ...good, signature: good.signature.slice(0, 10) }, hmac, 'unauthorized'],
    [
      'a payload that is not JSON',
      { ...good, payload: Buffer.from('x').toString('base64url') },
      hmac,
      'malformed',
    ],
    ['not a JWS', 'binding', hmac, 'malformed'],
  ])('refuses %s', (_name, value, key, type) => {
    expect(errorOf(() => check(value, key))).toBe(type);
  });
});

function withHeader(header: Record<string, unknown>) {
  const p = Buffer.from(JSON.stringify(header)).toString('base64url');
  return { ...signEab('kw-eab-1', hmac, URL_, account.jwk), protected: p };
}

function signNonce() {
  return withHeader({ alg: 'HS256', kid: 'kw-eab-1', url: URL_, nonce: 'abc' });
}
