import { createHmac, timingSafeEqual } from 'node:crypto';
import { sameJwk, type PublicJwk } from './jwk.js';
import { parseJws, type ParsedJws } from './jws.js';
import { AcmeError, acmeError } from './problem.js';

/** MAC algorithms for the binding (RFC 8555 §7.3.4: HS256 at least). */
export const EAB_ALGORITHMS = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' } as const;
export type EabAlgorithm = keyof typeof EAB_ALGORITHMS;

/** An EAB key id as keyway issues it (`kw-eab-...`); anything longer is refused before lookup. */
export const MAX_EAB_KID_LENGTH = 128;
/** HMAC keys keyway issues are 32 bytes; RFC 8555 leaves the length to the CA. */
export const EAB_HMAC_KEY_BYTES = 32;

export interface ExternalAccountBinding {
  kid: string;
  alg: EabAlgorithm;
  jws: ParsedJws;
}

/**
 * RFC 8555 §7.3.4: the binding is a JWS whose protected header names a MAC alg, the key id and the
 * newAccount URL (no nonce), and whose payload is the account's own public key. Structure problems
 * are malformed; a binding for another URL or key is unauthorized.
 */
export function parseExternalAccountBinding(
  value: unknown,
  context: { url: string; accountJwk: PublicJwk },
): ExternalAccountBinding {
  let jws: ParsedJws;
  try {
    jws = parseJws(value);
  } catch (e) {
    if (e instanceof AcmeError) throw acmeError('malformed', `externalAccountBinding: ${e.problem.detail}`);
    throw e;
  }
  const h = jws.protected;
  if (!(h.alg in EAB_ALGORITHMS))
    throw acmeError('malformed', `externalAccountBinding: alg must be a MAC algorithm (HS256, HS384, HS512)`);
  if (h.nonce !== undefined) throw acmeError('malformed', 'externalAccountBinding: must not carry a nonce');
  if (h.jwk !== undefined) throw acmeError('malformed', 'externalAccountBinding: must not carry a jwk');
  if (typeof h.kid !== 'string' || h.kid.length === 0 || h.kid.length > MAX_EAB_KID_LENGTH)
    throw acmeError('malformed', 'externalAccountBinding: kid (the EAB key id) is required');
  if (h.url !== context.url)
    throw acmeError('unauthorized', 'externalAccountBinding: url is not this newAccount URL');
  let payload: unknown;
  try {
    payload = JSON.parse(jws.payloadText);
  } catch {
    throw acmeError('malformed', 'externalAccountBinding: payload must be the account JWK');
  }
  if (!sameJwk(payload, context.accountJwk))
    throw acmeError(
      'unauthorized',
      'externalAccountBinding: payload is not the key this account is created with',
    );
  return { kid: h.kid, alg: h.alg as EabAlgorithm, jws };
}

/** Checks the binding's MAC with the EAB key issued for its kid; unauthorized when it does not match. */
export function verifyExternalAccountBinding(binding: ExternalAccountBinding, hmacKey: Buffer): void {
  const expected = createHmac(EAB_ALGORITHMS[binding.alg], hmacKey).update(binding.jws.signingInput).digest();
  const got = binding.jws.signature;
  if (got.length !== expected.length || !timingSafeEqual(got, expected))
    throw acmeError(
      'unauthorized',
      `externalAccountBinding: the MAC does not verify with EAB key ${binding.kid}`,
    );
}
