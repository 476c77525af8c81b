import { createHash } from 'node:crypto';
import { issueCertificate, type KeyPair } from '#keyway/pki';
import { ACME_IDENTIFIER_OID } from '#keyway/acme';

/**
 * RFC 8737 §3: the self-signed certificate an ACME client serves for `acme-tls/1`: one dNSName, the
 * critical acmeIdentifier extension holding SHA-256(key authorization). Options break it for tests.
 */
export function alpnChallengeCertificate(
  domain: string,
  keyAuthorization: string,
  options: { critical?: boolean; extraNames?: string[]; digestOf?: string; keyPair?: KeyPair } = {},
): { certPem: string; keyPem: string; der: Buffer } {
  const digest = createHash('sha256')
    .update(options.digestOf ?? keyAuthorization)
    .digest();
  const issued = issueCertificate({
    profile: 'server',
    sans: { dns: [domain, ...(options.extraNames ?? [])] },
    notAfter: new Date(Date.now() + 3_600_000),
    keyPair: options.keyPair,
    extraExtensions: [
      {
        oid: ACME_IDENTIFIER_OID,
        critical: options.critical ?? true,
        value: Buffer.concat([Buffer.from([0x04, 0x20]), digest]),
      },
    ],
  });
  return { certPem: issued.pem, keyPem: issued.keyPair!.privateKeyPem.reveal(), der: issued.der };
}
