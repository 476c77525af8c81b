import { verify, type KeyObject } from 'node:crypto';
import type { PublicJwk } from './jwk.js';
import { importJwk, type ImportedKey } from './jwk.js';
import { acmeError } from './problem.js';

/** The signature algorithms accepted on requests (RFC 8555 §6.2: ES256 and EdDSA/RS256 here). */
export const JWS_ALGORITHMS = ['ES256', 'ES384', 'RS256', 'EdDSA'] as const;
export type JwsAlgorithm = (typeof JWS_ALGORITHMS)[number];

/** A flattened JWS (RFC 7515 §7.2.2) as an ACME request body, parsed but not yet verified. */
export interface ParsedJws {
  protected: JwsProtectedHeader;
  /** The decoded payload text; '' for a POST-as-GET. */
  payloadText: string;
  signature: Buffer;
  /** `<protected>.<payload>` as sent: what the signature covers. */
  signingInput: string;
  /** The encoded parts, kept for a JWS nested in another (EAB, key change). */
  encoded: { protected: string; payload: string; signature: string };
}

export interface JwsProtectedHeader {
  alg: string;
  nonce?: string;
  url?: string;
  jwk?: unknown;
  kid?: string;
  [member: string]: unknown;
}

const B64URL = /^[A-Za-z0-9_-]*$/;
/** A protected header is a few hundred bytes; an RSA-4096 jwk stays well under this. */
export const MAX_PROTECTED_HEADER_BYTES = 4096;

function decodePart(value: unknown, field: string): Buffer {
  if (typeof value !== 'string' || !B64URL.test(value))
    throw acmeError('malformed', `JWS ${field}: must be a base64url string`);
  return Buffer.from(value, 'base64url');
}

/**
 * Reads a flattened JSON JWS: exactly `protected`, `payload` and `signature` (RFC 8555 §6.2: no
 * unprotected header, no general serialization), the protected header a JSON object.
 */
export function parseJws(body: unknown): ParsedJws {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw acmeError('malformed', 'the request body must be a flattened JWS JSON object');
  const o = body as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => k !== 'protected' && k !== 'payload' && k !== 'signature');
  if (extra.length > 0)
    throw acmeError(
      'malformed',
      `JWS: unexpected member(s) ${extra.slice(0, 5).join(', ')}: only protected, payload and signature`,
    );
  if (typeof o.protected === 'string' && o.protected.length > (MAX_PROTECTED_HEADER_BYTES * 4) / 3 + 4)
    throw acmeError('malformed', `JWS protected: larger than ${MAX_PROTECTED_HEADER_BYTES} bytes`);
  const protectedBytes = decodePart(o.protected, 'protected');
  const payload = decodePart(o.payload, 'payload');
  const signature = decodePart(o.signature, 'signature');
  let header: unknown;
  try {
    header = JSON.parse(protectedBytes.toString('utf8'));
  } catch {
    throw acmeError('malformed', 'JWS protected: not JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw acmeError('malformed', 'JWS protected: must be a JSON object');
  const h = header as JwsProtectedHeader;
  if (typeof h.alg !== 'string') throw acmeError('malformed', 'JWS protected: alg is required');
  return {
    protected: h,
    payloadText: payload.toString('utf8'),
    signature,
    signingInput: `${o.protected as string}.${o.payload as string}`,
    encoded: {
      protected: o.protected as string,
      payload: o.payload as string,
      signature: o.signature as string,
    },
  };
}

/** Which key the request names: a new key (`jwk`: newAccount, revokeCert) or an account URL (`kid`). */
export type JwsKeyRef = { kind: 'jwk'; key: ImportedKey } | { kind: 'kid'; kid: string };

/**
 * RFC 8555 §6.2–6.4 header rules for a request to `url`: an accepted alg; exactly one of jwk and kid
 * (and which one the resource allows); a nonce; the url the request was sent to.
 */
export function checkProtectedHeader(
  jws: ParsedJws,
  expected: { url: string; key: 'jwk' | 'kid' | 'either' },
): { alg: JwsAlgorithm; nonce: string; ref: JwsKeyRef } {
  const h = jws.protected;
  if (!(JWS_ALGORITHMS as readonly string[]).includes(h.alg))
    throw acmeError(
      'badSignatureAlgorithm',
      `JWS alg ${JSON.stringify(h.alg).slice(0, 40)} is not accepted`,
      {
        algorithms: [...JWS_ALGORITHMS],
      },
    );
  const hasJwk = h.jwk !== undefined;
  const hasKid = h.kid !== undefined;
  if (hasJwk === hasKid)
    throw acmeError('malformed', 'JWS protected: exactly one of jwk and kid is required');
  if (hasJwk && expected.key === 'kid')
    throw acmeError('malformed', 'JWS protected: this resource needs kid (the account URL), not jwk');
  if (hasKid && expected.key === 'jwk')
    throw acmeError('malformed', 'JWS protected: this resource needs jwk, not kid');
  if (typeof h.nonce !== 'string' || h.nonce.length === 0)
    throw acmeError('badNonce', 'JWS protected: nonce is required');
  if (typeof h.url !== 'string') throw acmeError('malformed', 'JWS protected: url is required');
  if (h.url !== expected.url)
    throw acmeError('unauthorized', `JWS protected: url does not match the request URL ${expected.url}`);
  let ref: JwsKeyRef;
  if (hasJwk) ref = { kind: 'jwk', key: importJwk(h.jwk) };
  else {
    if (typeof h.kid !== 'string' || h.kid.length === 0 || h.kid.length > 512)
      throw acmeError('malformed', 'JWS protected: kid must be an account URL');
    ref = { kind: 'kid', kid: h.kid };
  }
  return { alg: h.alg as JwsAlgorithm, nonce: h.nonce, ref };
}

/** Whether a key can sign with `alg` at all (an ES256 header over an RSA key is refused). */
export function algorithmFitsKey(alg: JwsAlgorithm, jwk: PublicJwk): boolean {
  switch (alg) {
    case 'ES256':
      return jwk.kty === 'EC' && jwk.crv === 'P-256';
    case 'ES384':
      return jwk.kty === 'EC' && jwk.crv === 'P-384';
    case 'RS256':
      return jwk.kty === 'RSA';
    case 'EdDSA':
      return jwk.kty === 'OKP';
  }
}

const EC_SIGNATURE_BYTES: Partial<Record<JwsAlgorithm, number>> = { ES256: 64, ES384: 96 };

/** Verifies the signature with the key; a mismatched alg or a bad signature is malformed (RFC 8555 §6.2). */
export function verifyJws(jws: ParsedJws, alg: JwsAlgorithm, key: { jwk: PublicJwk; key: KeyObject }): void {
  if (!algorithmFitsKey(alg, key.jwk))
    throw acmeError('malformed', `JWS alg ${alg} does not fit the ${key.jwk.kty} key it names`);
  const input = Buffer.from(jws.signingInput, 'ascii');
  let good: boolean;
  try {
    if (alg === 'EdDSA') good = verify(null, input, key.key, jws.signature);
    else if (alg === 'RS256') good = verify('sha256', input, key.key, jws.signature);
    else {
      if (jws.signature.length !== EC_SIGNATURE_BYTES[alg]) good = false;
      else
        good = verify(
          alg === 'ES256' ? 'sha256' : 'sha384',
          input,
          { key: key.key, dsaEncoding: 'ieee-p1363' },
          jws.signature,
        );
    }
  } catch {
    good = false;
  }
  if (!good) throw acmeError('malformed', 'JWS signature does not verify with the key it names');
}

/** The payload as a JSON object; POST-as-GET (empty payload) answers undefined. */
export function jsonPayload(jws: ParsedJws): Record<string, unknown> | undefined {
  if (jws.payloadText === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(jws.payloadText);
  } catch {
    throw acmeError('malformed', 'JWS payload: not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw acmeError('malformed', 'JWS payload: must be a JSON object');
  return v as Record<string, unknown>;
}
