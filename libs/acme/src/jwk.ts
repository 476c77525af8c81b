import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { acmeError } from './problem.js';

/** A public JSON Web Key as ACME clients send it (RFC 7517): EC, RSA or OKP (Ed25519). */
export type PublicJwk =
  | { kty: 'EC'; crv: 'P-256' | 'P-384'; x: string; y: string }
  | { kty: 'RSA'; n: string; e: string }
  | { kty: 'OKP'; crv: 'Ed25519'; x: string };

/** RSA keys outside this range are refused: too weak below, too costly to verify above. */
export const RSA_MIN_BITS = 2048;
export const RSA_MAX_BITS = 4096;

const B64URL = /^[A-Za-z0-9_-]+$/;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** RFC 7638 §3.2: the members that define each key type, in lexicographic order. */
const REQUIRED: Record<PublicJwk['kty'], readonly string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
  OKP: ['crv', 'kty', 'x'],
};

export interface ImportedKey {
  jwk: PublicJwk;
  key: KeyObject;
  /** RFC 7638 SHA-256 thumbprint, base64url. */
  thumbprint: string;
}

/** Checks a client's JWK (public, a supported type and size) and imports it; badPublicKey otherwise. */
export function importJwk(value: unknown): ImportedKey {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw acmeError('malformed', 'jwk: must be a JSON object');
  const raw = value as Record<string, unknown>;
  if (PRIVATE_MEMBERS.some((m) => m in raw))
    throw acmeError('badPublicKey', 'jwk: carries private key members; send the public key only');
  const kty = raw.kty;
  if (kty !== 'EC' && kty !== 'RSA' && kty !== 'OKP')
    throw acmeError('badPublicKey', `jwk: kty ${JSON.stringify(kty)} is not EC, RSA or OKP`);
  for (const m of REQUIRED[kty]) {
    if (m === 'kty') continue;
    const v = raw[m];
    if (typeof v !== 'string' || (m !== 'crv' && !B64URL.test(v)))
      throw acmeError('badPublicKey', `jwk: ${m} must be a base64url string`);
  }
  let jwk: PublicJwk;
  if (kty === 'EC') {
    if (raw.crv !== 'P-256' && raw.crv !== 'P-384')
      throw acmeError('badPublicKey', `jwk: curve ${JSON.stringify(raw.crv)} is not P-256 or P-384`);
    jwk = { kty, crv: raw.crv, x: raw.x as string, y: raw.y as string };
  } else if (kty === 'OKP') {
    if (raw.crv !== 'Ed25519')
      throw acmeError('badPublicKey', `jwk: OKP curve ${JSON.stringify(raw.crv)} is not Ed25519`);
    jwk = { kty, crv: 'Ed25519', x: raw.x as string };
  } else {
    jwk = { kty, n: raw.n as string, e: raw.e as string };
    // Bound the work before importing: the modulus length is known from its encoding.
    const bits = Buffer.from(jwk.n, 'base64url').length * 8;
    if (bits < RSA_MIN_BITS - 8 || bits > RSA_MAX_BITS)
      throw acmeError('badPublicKey', `jwk: RSA keys must be ${RSA_MIN_BITS} to ${RSA_MAX_BITS} bits`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk, format: 'jwk' });
  } catch (e) {
    throw acmeError('badPublicKey', `jwk: not a valid public key: ${(e as Error).message}`);
  }
  if (kty === 'RSA') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS)
      throw acmeError('badPublicKey', `jwk: RSA keys must be ${RSA_MIN_BITS} to ${RSA_MAX_BITS} bits`);
  }
  return { jwk, key, thumbprint: jwkThumbprint(jwk) };
}

/** RFC 7638: SHA-256 over the required members, sorted, without whitespace; base64url. */
export function jwkThumbprint(jwk: PublicJwk): string {
  const members = REQUIRED[jwk.kty];
  const source = jwk as unknown as Record<string, string>;
  const canonical = `{${members.map((m) => `${JSON.stringify(m)}:${JSON.stringify(source[m])}`).join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

/** Whether two values are the same public key (by RFC 7638 thumbprint); false for anything not a JWK. */
export function sameJwk(a: unknown, b: PublicJwk): boolean {
  try {
    return jwkThumbprint(a as PublicJwk) === jwkThumbprint(b);
  } catch {
    return false;
  }
}

/** A KeyObject's public JWK, as stored for an account. */
export function publicJwkOf(key: KeyObject): PublicJwk {
  const jwk = key.export({ format: 'jwk' }) as Record<string, string>;
  if (jwk.kty === 'EC') return { kty: 'EC', crv: jwk.crv as 'P-256' | 'P-384', x: jwk.x, y: jwk.y };
  if (jwk.kty === 'OKP') return { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  return { kty: 'RSA', n: jwk.n, e: jwk.e };
}
