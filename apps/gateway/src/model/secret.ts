import { X509Certificate, createPrivateKey } from 'node:crypto';
import { PrivateKeyPem } from '#keyway/key-material';
import { dataSourceText, type DataSource } from './data-source.js';
import { pemBlockTexts } from '#keyway/pki';
import type { FieldProblem, Parsed } from './resource-error.js';

export interface CertificateFacts {
  subject: string;
  issuer: string;
  serial: string;
  sans: string[];
  notBefore: string;
  notAfter: string;
  fingerprint256: string;
}

export interface TlsCertificateSecret {
  kind: 'tls-certificate';
  name: string;
  certificateChain: string;
  privateKey: PrivateKeyPem;
  leaf: CertificateFacts;
}

export interface ValidationSecret {
  kind: 'validation-context';
  name: string;
  trustedCa: string;
  crls: string[];
  authorities: CertificateFacts[];
}

export type GatewaySecret = TlsCertificateSecret | ValidationSecret;

interface SecretMessage {
  name?: string;
  tls_certificate?: {
    certificate_chain?: DataSource;
    private_key?: DataSource;
    password?: unknown;
    private_key_provider?: unknown;
  };
  validation_context?: { trusted_ca?: DataSource; crl?: DataSource; [field: string]: unknown };
  session_ticket_keys?: unknown;
  generic_secret?: unknown;
}

/**
 * Validates an SDS Secret as the TLS stack would use it: the chain parses, the key parses and
 * belongs to the leaf, the CA bundle parses. A secret that fails is NACKed and the last good one
 * keeps serving.
 */
export function parseSecret(message: Record<string, unknown>): Parsed<GatewaySecret> {
  const s = message as SecretMessage;
  const name = s.name ?? '';
  const problems: FieldProblem[] = [];
  if (s.tls_certificate) {
    const t = s.tls_certificate;
    if (t.password !== undefined || t.private_key_provider !== undefined)
      problems.push({
        field: 'tls_certificate',
        message: 'password and private_key_provider are not supported',
      });
    const chain = dataSourceText(t.certificate_chain, 'tls_certificate.certificate_chain', problems);
    const key = dataSourceText(t.private_key, 'tls_certificate.private_key', problems);
    if (!chain) problems.push({ field: 'tls_certificate.certificate_chain', message: 'is required' });
    if (!key) problems.push({ field: 'tls_certificate.private_key', message: 'is required' });
    if (problems.length > 0 || !chain || !key) return { ok: false, problems };
    const certs = parseCertificates(chain, 'tls_certificate.certificate_chain', problems);
    try {
      const keyObject = createPrivateKey(key);
      if (certs.length > 0 && !certs[0].checkPrivateKey(keyObject)) {
        problems.push({
          field: 'tls_certificate.private_key',
          message: 'does not match the leaf certificate',
        });
      }
    } catch {
      // The parser's message may quote the input; say only what is wrong.
      problems.push({ field: 'tls_certificate.private_key', message: 'is not a PEM private key' });
    }
    if (problems.length > 0) return { ok: false, problems };
    return {
      ok: true,
      value: {
        kind: 'tls-certificate',
        name,
        certificateChain: chain,
        privateKey: new PrivateKeyPem(key),
        leaf: certificateFacts(certs[0]),
      },
    };
  }
  if (s.validation_context) {
    const v = s.validation_context;
    const ca = dataSourceText(v.trusted_ca, 'validation_context.trusted_ca', problems);
    if (!ca) problems.push({ field: 'validation_context.trusted_ca', message: 'is required' });
    const crlText = dataSourceText(v.crl, 'validation_context.crl', problems);
    const crls = crlText ? pemBlockTexts(crlText, 'X509 CRL') : [];
    if (crlText && crls.length === 0)
      problems.push({ field: 'validation_context.crl', message: 'holds no PEM CRL' });
    const certs = ca ? parseCertificates(ca, 'validation_context.trusted_ca', problems) : [];
    if (problems.length > 0 || !ca) return { ok: false, problems };
    return {
      ok: true,
      value: {
        kind: 'validation-context',
        name,
        trustedCa: ca,
        crls,
        authorities: certs.map(certificateFacts),
      },
    };
  }
  return {
    ok: false,
    problems: [{ field: '', message: 'only tls_certificate and validation_context secrets are supported' }],
  };
}

function parseCertificates(text: string, field: string, problems: FieldProblem[]): X509Certificate[] {
  const blocks = pemBlockTexts(text, 'CERTIFICATE');
  if (blocks.length === 0) {
    problems.push({ field, message: 'holds no PEM certificate' });
    return [];
  }
  const out: X509Certificate[] = [];
  blocks.forEach((pem, i) => {
    try {
      out.push(new X509Certificate(pem));
    } catch (e) {
      problems.push({ field: `${field}[${i}]`, message: `not a certificate: ${(e as Error).message}` });
    }
  });
  return out;
}

export function certificateFacts(cert: X509Certificate): CertificateFacts {
  return {
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    serial: cert.serialNumber.toLowerCase(),
    sans: (cert.subjectAltName ?? '').split(', ').filter(Boolean),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    fingerprint256: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
  };
}
