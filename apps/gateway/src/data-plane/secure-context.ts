import { createHash } from 'node:crypto';
import type { SecureContextOptions } from 'node:tls';
import { pemBlockTexts } from '#keyway/pki';
import type { GatewaySecret } from '../model/secret.js';
import type { ChainTls } from '../model/tls-context.js';

export type SecretLookup = (name: string) => GatewaySecret | undefined;

export type ChainCredentials =
  | {
      ready: true;
      options: SecureContextOptions;
      /** Changes whenever any input changes. */ fingerprint: string;
    }
  | { ready: false; missing: string[] };

/**
 * The secure context options of a chain from its current secrets. Not ready while any referenced
 * secret is missing or of the wrong kind: the chain is then not served at all.
 */
export function chainCredentials(tls: ChainTls, lookup: SecretLookup): ChainCredentials {
  const missing: string[] = [];
  const keys: string[] = [];
  const certs: string[] = [];
  for (const name of tls.certificateSecrets) {
    const s = lookup(name);
    if (s?.kind !== 'tls-certificate') missing.push(name);
    else {
      keys.push(s.privateKey.reveal());
      certs.push(s.certificateChain);
    }
  }
  for (const inline of tls.inlineCertificates) {
    keys.push(inline.privateKey.reveal());
    certs.push(inline.certificateChain);
  }
  const cas: string[] = [];
  const crls: string[] = [];
  if (tls.validationSecret) {
    const v = lookup(tls.validationSecret);
    if (v?.kind !== 'validation-context') missing.push(tls.validationSecret);
    else {
      cas.push(v.trustedCa);
      crls.push(...v.crls);
    }
  }
  if (tls.inlineTrustedCa) cas.push(tls.inlineTrustedCa);
  if (tls.inlineCrl) crls.push(...pemBlockTexts(tls.inlineCrl, 'X509 CRL'));
  if (missing.length > 0) return { ready: false, missing };
  const options: SecureContextOptions = {
    key: keys.map((pem) => ({ pem })),
    cert: certs,
    minVersion: tls.limits.minVersion,
    maxVersion: tls.limits.maxVersion,
    ...(tls.limits.ciphers ? { ciphers: tls.limits.ciphers } : {}),
    ...(tls.limits.ecdhCurve ? { ecdhCurve: tls.limits.ecdhCurve } : {}),
    ...(tls.limits.sigalgs ? { sigalgs: tls.limits.sigalgs } : {}),
    ...(cas.length ? { ca: cas.join('\n') } : {}),
    ...(crls.length ? { crl: crls } : {}),
  };
  const hash = createHash('sha256');
  for (const part of [...keys, ...certs, ...cas, ...crls]) hash.update(part).update('\0');
  return { ready: true, options, fingerprint: hash.digest('hex') };
}
