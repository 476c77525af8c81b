import { jwkThumbprint, sameJwk, type ImportedKey, type PublicJwk } from './jwk.js';
import { checkProtectedHeader, jsonPayload, parseJws, verifyJws } from './jws.js';
import { acmeError } from './problem.js';

/**
 * RFC 8555 §7.3.5: the key-change payload is a JWS signed by the new key (jwk in its header, the same
 * url as the outer request, its nonce ignored), whose payload names the account and its old key.
 * Answers the new key once everything matches.
 */
export function checkKeyChange(
  inner: unknown,
  context: { url: string; accountUrl: string; oldJwk: PublicJwk },
): ImportedKey {
  const jws = parseJws(inner);
  // The inner JWS needs no nonce; checkProtectedHeader insists on one, so lend it a placeholder.
  const header = { ...jws.protected, nonce: jws.protected.nonce ?? 'inner' };
  const { alg, ref } = checkProtectedHeader({ ...jws, protected: header }, { url: context.url, key: 'jwk' });
  if (ref.kind !== 'jwk') throw acmeError('malformed', 'keyChange: the inner JWS must carry the new jwk');
  verifyJws(jws, alg, ref.key);
  const payload = jsonPayload(jws);
  if (!payload) throw acmeError('malformed', 'keyChange: the inner payload must name account and oldKey');
  if (payload.account !== context.accountUrl)
    throw acmeError('unauthorized', 'keyChange: the inner payload names another account');
  if (!sameJwk(payload.oldKey, context.oldJwk))
    throw acmeError('unauthorized', "keyChange: oldKey is not the account's current key");
  if (ref.key.thumbprint === jwkThumbprint(context.oldJwk))
    throw acmeError('malformed', 'keyChange: the new key is the old key');
  return ref.key;
}
