import { ENVOY_CIPHER_SUITES } from './cipher-suites.js';
import { ErrorCodes } from './field-error.js';
import type { FieldReader } from './reader.js';

export const TLS_MODES = [
  'PASSTHROUGH',
  'SIMPLE',
  'MUTUAL',
  'AUTO_PASSTHROUGH',
  'ISTIO_MUTUAL',
  'OPTIONAL_MUTUAL',
] as const;
export type TlsMode = (typeof TLS_MODES)[number];
export const TLS_VERSIONS = ['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];

export interface ServerTls {
  mode: TlsMode;
  httpsRedirect: boolean;
  credentialName?: string;
  subjectAltNames: string[];
  verifyCertificateSpki: string[];
  verifyCertificateHash: string[];
  minProtocolVersion?: TlsVersion;
  maxProtocolVersion?: TlsVersion;
  /** Valid, de-duplicated, in the order given. */
  cipherSuites: string[];
  /** Names dropped from cipherSuites (unknown to Envoy or repeated): a warning, as Istio gives. */
  ignoredCipherSuites: string[];
}

const SPKI = /^[A-Za-z0-9+/]{43}=$/;
const CERT_HASH = /^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{64}$/;

export function readServerTls(r: FieldReader, value: unknown, f: string): ServerTls | undefined {
  const t = r.object(value, f);
  if (!t) return undefined;
  const httpsRedirect = r.boolean(t.httpsRedirect, `${f}.httpsRedirect`) ?? false;
  const mode = r.oneOf(t.mode, `${f}.mode`, TLS_MODES) ?? (httpsRedirect ? 'SIMPLE' : 'PASSTHROUGH');
  if (t.mode === undefined && !httpsRedirect) r.fail(`${f}.mode`, ErrorCodes.required, 'is required');
  const credentialName = r.string(t.credentialName, `${f}.credentialName`);
  const terminates = mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  if (mode === 'AUTO_PASSTHROUGH' || mode === 'ISTIO_MUTUAL') {
    r.fail(
      `${f}.mode`,
      ErrorCodes.unsupported,
      `mode ${mode} is for mesh-internal gateways; keyway does not serve it`,
    );
  }
  if (terminates && !credentialName && !httpsRedirect) {
    const fileBased = t.serverCertificate !== undefined || t.privateKey !== undefined;
    r.fail(
      `${f}.credentialName`,
      fileBased ? ErrorCodes.unsupported : ErrorCodes.required,
      fileBased
        ? 'file-mounted certificates are not supported: use credentialName'
        : `is required for mode ${mode}`,
    );
  }
  if (credentialName && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(credentialName)) {
    r.fail(`${f}.credentialName`, ErrorCodes.invalidValue, 'must be a Secret name');
  }
  const subjectAltNames = r.stringArray(t.subjectAltNames, `${f}.subjectAltNames`);
  const verifyCertificateSpki = r.stringArray(t.verifyCertificateSpki, `${f}.verifyCertificateSpki`);
  verifyCertificateSpki.forEach((v, i) => {
    if (!SPKI.test(v)) {
      r.fail(
        `${f}.verifyCertificateSpki[${i}]`,
        ErrorCodes.invalidValue,
        'must be a base64 SHA-256 (44 characters)',
      );
    }
  });
  const verifyCertificateHash = r.stringArray(t.verifyCertificateHash, `${f}.verifyCertificateHash`);
  verifyCertificateHash.forEach((v, i) => {
    if (!CERT_HASH.test(v)) {
      r.fail(
        `${f}.verifyCertificateHash[${i}]`,
        ErrorCodes.invalidValue,
        'must be a hex SHA-256 (colons optional)',
      );
    }
  });
  const minProtocolVersion = r.oneOf(t.minProtocolVersion, `${f}.minProtocolVersion`, TLS_VERSIONS);
  const maxProtocolVersion = r.oneOf(t.maxProtocolVersion, `${f}.maxProtocolVersion`, TLS_VERSIONS);
  if (
    minProtocolVersion &&
    maxProtocolVersion &&
    minProtocolVersion !== 'TLS_AUTO' &&
    maxProtocolVersion !== 'TLS_AUTO' &&
    TLS_VERSIONS.indexOf(minProtocolVersion) > TLS_VERSIONS.indexOf(maxProtocolVersion)
  ) {
    r.fail(`${f}.maxProtocolVersion`, ErrorCodes.invalidValue, 'must not be lower than minProtocolVersion');
  }
  const cipherSuites: string[] = [];
  const ignoredCipherSuites: string[] = [];
  for (const c of r.stringArray(t.cipherSuites, `${f}.cipherSuites`)) {
    if (ENVOY_CIPHER_SUITES.has(c) && !cipherSuites.includes(c)) cipherSuites.push(c);
    else ignoredCipherSuites.push(c);
  }
  return {
    mode,
    httpsRedirect,
    credentialName,
    subjectAltNames,
    verifyCertificateSpki,
    verifyCertificateHash,
    minProtocolVersion,
    maxProtocolVersion,
    cipherSuites,
    ignoredCipherSuites,
  };
}
