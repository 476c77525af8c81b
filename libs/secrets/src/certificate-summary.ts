import type { SecretCertificate } from './secret-certificate.js';

/** What the audit log and the clear fields of a credential record say about one certificate. */
export interface CertificateSummary {
  /** Lowercase hex, no colons, no leading zero octets. */
  serial: string;
  /** Most specific attribute first, comma separated: `CN=httpbin.example.com, O=httpbin organization`. */
  subject: string;
  issuer: string;
  /** `DNS:a.example.com`, `IP:10.0.0.1`, `URI:spiffe://...`, `email:...`, in certificate order. */
  sans: string[];
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the DER certificate, lowercase hex. */
  fingerprint: string;
  /** SHA-256 of the DER SubjectPublicKeyInfo, lowercase hex. */
  publicKeyFingerprint: string;
  /** `rsa-2048`, `ecdsa-p256`, `ecdsa-p384`, `ed25519`... */
  keyType: string;
}

const CURVES: Record<string, string> = { prime256v1: 'p256', secp384r1: 'p384', secp521r1: 'p521' };

/**
 * Read from the certificate's DER SubjectPublicKeyInfo as libs/pki described it: node's `cert.publicKey`
 * builds an OpenSSL key on every call (a tenth of a millisecond per credential version). Keys libs/pki does not name
 * (other curves, DSA, X25519...) are named by node, as before.
 */
export function keyTypeOf(cert: SecretCertificate): string {
  const keyType = cert.spki.keyType;
  return /^(rsa|rsa-pss)-\d+$|^ecdsa-p(256|384|521)$|^ed(25519|448)$/.test(keyType)
    ? keyType
    : nodeKeyType(cert);
}

function nodeKeyType(cert: SecretCertificate): string {
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return `rsa-${details.modulusLength ?? 0}`;
    case 'rsa-pss':
      return `rsa-pss-${details.modulusLength ?? 0}`;
    case 'ec':
      return `ecdsa-${CURVES[details.namedCurve ?? ''] ?? details.namedCurve ?? 'unknown'}`;
    default:
      return key.asymmetricKeyType ?? 'unknown';
  }
}

/** Node prints names one attribute per line, most general first; keyway shows them the RFC 4514 way round. */
function formatName(text: string | undefined): string {
  // An empty Name (SAN-only leaf) reads as undefined.
  return (text ?? '')
    .split('\n')
    .filter((s) => s.length > 0)
    .reverse()
    .join(', ');
}

function formatSans(text: string | undefined): string[] {
  if (!text) return [];
  return text.split(', ').map((s) => s.replace(/^IP Address:/, 'IP:'));
}

// A certificate never changes, so neither does its summary: lists of thousands of Secrets, audit rows
// and credential resolution all ask again for the same parsed certificates.
const summaries = new WeakMap<SecretCertificate, Readonly<CertificateSummary>>();

export function summarizeCertificate(cert: SecretCertificate): Readonly<CertificateSummary> {
  let summary = summaries.get(cert);
  if (!summary) summaries.set(cert, (summary = Object.freeze(summaryOf(cert))));
  return summary;
}

function summaryOf(cert: SecretCertificate): CertificateSummary {
  return {
    serial: cert.serialHex,
    subject: formatName(cert.subject),
    issuer: formatName(cert.issuer),
    sans: formatSans(cert.subjectAltName),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    fingerprint: cert.fingerprintSha256,
    publicKeyFingerprint: cert.spki.spkiSha256,
    keyType: keyTypeOf(cert),
  };
}
