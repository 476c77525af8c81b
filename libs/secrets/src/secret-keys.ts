import type { DecodedSecret } from './secret.js';

/** Data keys of a generic Secret (Istio's names). */
export const GenericKeys = { cert: 'cert', key: 'key', caCert: 'cacert', crl: 'crl' } as const;
/** Data keys of a `kubernetes.io/tls` Secret (Istio's names). */
export const TlsKeys = { cert: 'tls.crt', key: 'tls.key', caCert: 'ca.crt', crl: 'ca.crl' } as const;

export const CACERT_SUFFIX = '-cacert';

/** Where a credential's parts were found: the data keys, so errors can name the field. */
export interface KeyCertFields {
  certField: string;
  keyField: string;
}

export interface RootFields {
  caField: string;
  /** The CRL key that goes with the CA key found (`crl` with `cacert`, `ca.crl` with `ca.crt`), when present. */
  crlField?: string;
}

export type Extracted<T> = { ok: true; fields: T } | { ok: false; message: string };

/** Go's `truncatedKeysMessage`: sorted keys, at most three named. */
export function foundKeysMessage(secret: DecodedSecret): string {
  const keys = secret.keys();
  if (keys.length <= 3) return keys.join(', ');
  return `${keys.slice(0, 3).join(', ')}, and ${keys.length - 3} more...`;
}

/**
 * Which keys hold the certificate chain and private key, in Istio's order: `cert`/`key` win over
 * `tls.crt`/`tls.key`; an empty value counts as absent. The failure messages are Istio's.
 */
export function extractKeyAndCert(secret: DecodedSecret): Extracted<KeyCertFields> {
  if (secret.hasValue(GenericKeys.cert) && secret.hasValue(GenericKeys.key)) {
    return { ok: true, fields: { certField: GenericKeys.cert, keyField: GenericKeys.key } };
  }
  if (secret.hasValue(TlsKeys.cert) && secret.hasValue(TlsKeys.key)) {
    return { ok: true, fields: { certField: TlsKeys.cert, keyField: TlsKeys.key } };
  }
  for (const k of [GenericKeys, TlsKeys]) {
    if (secret.has(k.cert) && secret.has(k.key)) {
      return { ok: false, message: `found keys "${k.cert}" and "${k.key}", but they were empty` };
    }
  }
  return {
    ok: false,
    message: `found secret, but didn't have expected keys (${GenericKeys.cert} and ${GenericKeys.key}) or (${TlsKeys.cert} and ${TlsKeys.key}); found: ${foundKeysMessage(secret)}`,
  };
}

/** Which key holds the CA bundle (`cacert` wins over `ca.crt`) and its CRL. The failure messages are Istio's. */
export function extractRoot(secret: DecodedSecret): Extracted<RootFields> {
  for (const k of [GenericKeys, TlsKeys]) {
    if (secret.hasValue(k.caCert)) {
      return {
        ok: true,
        fields: { caField: k.caCert, crlField: secret.hasValue(k.crl) ? k.crl : undefined },
      };
    }
  }
  for (const k of [GenericKeys, TlsKeys]) {
    if (secret.has(k.caCert)) return { ok: false, message: `found key "${k.caCert}", but it was empty` };
  }
  return {
    ok: false,
    message: `found secret, but didn't have expected keys ${GenericKeys.caCert} or ${TlsKeys.caCert}; found: ${foundKeysMessage(secret)}`,
  };
}

export function isCaCertName(name: string): boolean {
  return name.endsWith(CACERT_SUFFIX) && name.length > CACERT_SUFFIX.length;
}

/** `httpbin-credential-cacert` -> `httpbin-credential` */
export function credentialNameOfCaCert(name: string): string {
  return name.slice(0, -CACERT_SUFFIX.length);
}
