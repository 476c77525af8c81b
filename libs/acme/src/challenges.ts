import { createHash } from 'node:crypto';
import { parseCertificate } from '#keyway/pki';
import { acmeError } from './problem.js';

export const CHALLENGE_TYPES = ['http-01', 'tls-alpn-01', 'dns-01'] as const;
export type ChallengeType = (typeof CHALLENGE_TYPES)[number];

/** RFC 8555 §8: a wildcard can only be proven by DNS; other names by any of the three. */
export function challengeTypesFor(wildcard: boolean): ChallengeType[] {
  return wildcard ? ['dns-01'] : [...CHALLENGE_TYPES];
}

/** RFC 8555 §8.1: `token || '.' || base64url(JWK thumbprint)`. */
export function keyAuthorization(token: string, thumbprint: string): string {
  return `${token}.${thumbprint}`;
}

export function http01Path(token: string): string {
  return `/.well-known/acme-challenge/${token}`;
}

/** The most of an http-01 answer read: a key authorization is under 200 bytes. */
export const MAX_HTTP01_BODY_BYTES = 1024;

/** RFC 8555 §8.3: the body is the key authorization; whitespace at its end is ignored. */
export function checkHttp01Body(body: string, expected: string): void {
  const got = body.replace(/[ \t\r\n]+$/, '');
  if (got !== expected)
    throw acmeError(
      'incorrectResponse',
      `http-01: the key authorization served (${JSON.stringify(got.slice(0, 100))}) is not the expected one`,
    );
}

/** RFC 8555 §8.4: the TXT record's name and value. */
export function dns01RecordName(domain: string): string {
  return `_acme-challenge.${domain}`;
}

export function dns01Value(keyAuth: string): string {
  return createHash('sha256').update(keyAuth).digest('base64url');
}

/** Most TXT records looked at for one name. */
export const MAX_TXT_RECORDS = 32;

export function checkDns01Records(records: readonly (readonly string[])[], keyAuth: string): void {
  const want = dns01Value(keyAuth);
  const values = records.slice(0, MAX_TXT_RECORDS).map((chunks) => chunks.join(''));
  if (!values.includes(want))
    throw acmeError(
      'incorrectResponse',
      values.length === 0
        ? 'dns-01: no TXT record found'
        : `dns-01: none of the ${values.length} TXT record(s) is the expected digest`,
    );
}

/** RFC 8737: the ALPN protocol name and the acmeIdentifier extension's OID. */
export const ACME_TLS_ALPN_PROTOCOL = 'acme-tls/1';
export const ACME_IDENTIFIER_OID = '1.3.6.1.5.5.7.1.31';

/**
 * RFC 8737 §3: the certificate served for `acme-tls/1` names exactly the one identifier as its only
 * SAN (a dNSName) and carries the critical acmeIdentifier extension whose value is the SHA-256 of
 * the key authorization (an OCTET STRING of 32 bytes).
 */
export function checkTlsAlpnCertificate(certDer: Uint8Array, domain: string, keyAuth: string): void {
  let cert;
  try {
    cert = parseCertificate(certDer);
  } catch (e) {
    throw acmeError('tls', `tls-alpn-01: the certificate does not parse: ${(e as Error).message}`);
  }
  const names = [
    ...cert.sans.dns.map((d) => d.toLowerCase()),
    ...cert.sans.ip,
    ...cert.sans.uri,
    ...cert.sans.email,
  ];
  if (names.length !== 1 || names[0] !== domain)
    throw acmeError(
      'incorrectResponse',
      `tls-alpn-01: the certificate must name only ${domain} as its SAN, it names [${names.slice(0, 5).join(', ')}]`,
    );
  const ext = cert.extensions.find((e) => e.oid === ACME_IDENTIFIER_OID);
  if (!ext)
    throw acmeError('incorrectResponse', 'tls-alpn-01: the certificate has no acmeIdentifier extension');
  if (!ext.critical)
    throw acmeError('incorrectResponse', 'tls-alpn-01: the acmeIdentifier extension must be critical');
  const want = createHash('sha256').update(keyAuth).digest();
  const expected = Buffer.concat([Buffer.from([0x04, 0x20]), want]);
  if (!Buffer.from(ext.value).equals(expected))
    throw acmeError(
      'incorrectResponse',
      'tls-alpn-01: the acmeIdentifier is not the key authorization digest',
    );
}
