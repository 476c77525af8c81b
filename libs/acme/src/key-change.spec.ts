import { signJws, testAccountKey } from '#keyway/testing';
import { checkKeyChange } from './key-change.js';
import { jwkThumbprint } from './jwk.js';
import { errorOf } from './testing/error-of.js';

const URL_ = 'https://ca.example/acme/int/key-change';
const ACCOUNT = 'https://ca.example/acme/int/acct/abc';
const oldKey = testAccountKey();
const newKey = testAccountKey('EdDSA');

const check = (inner: unknown) =>
  checkKeyChange(inner, { url: URL_, accountUrl: ACCOUNT, oldJwk: oldKey.jwk });

describe('checkKeyChange (RFC 8555 §7.3.5)', () => {
  it('answers the new key when the inner JWS is signed by it and names the account and old key', () => {
    const inner = signJws(newKey, { jwk: newKey.jwk, url: URL_ }, { account: ACCOUNT, oldKey: oldKey.jwk });
    expect(check(inner).thumbprint).toBe(jwkThumbprint(newKey.jwk));
  });

  const other = testAccountKey();
  it.each([
    [
      'signed by another key',
      signJws(other, { jwk: newKey.jwk, url: URL_ }, { account: ACCOUNT, oldKey: oldKey.jwk }),
      'malformed',
    ],
    [
      'for another URL',
      signJws(newKey, { jwk: newKey.jwk, url: 'https://x/y' }, { account: ACCOUNT, oldKey: oldKey.jwk }),
      'unauthorized',
    ],
    [
      'naming another account',
      signJws(newKey, { jwk: newKey.jwk, url: URL_ }, { account: `${ACCOUNT}x`, oldKey: oldKey.jwk }),
      'unauthorized',
    ],
    [
      'naming another old key',
      signJws(newKey, { jwk: newKey.jwk, url: URL_ }, { account: ACCOUNT, oldKey: other.jwk }),
      'unauthorized',
    ],
    [
      'with kid instead of the new jwk',
      signJws(newKey, { kid: ACCOUNT, url: URL_ }, { account: ACCOUNT, oldKey: oldKey.jwk }),
      'malformed',
    ],
    [
      'rolling to the same key',
      signJws(oldKey, { jwk: oldKey.jwk, url: URL_ }, { account: ACCOUNT, oldKey: oldKey.jwk }),
      'malformed',
    ],
    ['without a payload', signJws(newKey, { jwk: newKey.jwk, url: URL_ }, ''), 'malformed'],
    ['that is not a JWS', { account: ACCOUNT }, 'malformed'],
  ])('refuses an inner JWS %s', (_name, inner, type) => {
    expect(errorOf(() => check(inner))).toBe(type);
  });
});
