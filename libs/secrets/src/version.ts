import { createHash } from 'node:crypto';
import type { PrivateKeyPem } from '#keyway/key-material';
import { normalizePem } from './pem.js';

export type CredentialKind = 'tls-certificate' | 'validation-context';

/** A credential's material as PEM strings; the key stays wrapped until it is sealed or served. */
export interface CredentialMaterialPem {
  certificateChain?: string;
  privateKey?: PrivateKeyPem;
  trustedCa?: string;
  crl?: string;
}

/**
 * JSON with object keys sorted at every level and `undefined` members dropped: one text per value.
 * Built by concatenation (no entry arrays): every audit row and version hash goes through it.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += value[i] === undefined ? 'null' : canonicalJson(value[i]);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  // The default sort orders by UTF-16 code units, as `<` does.
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const k of keys) {
    const v = record[k];
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(k)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The material as the JSON that travels sealed in the credentials bucket (`CredentialMaterial`). */
export function materialJson(material: CredentialMaterialPem): string {
  return canonicalJson({
    certificateChain: material.certificateChain && normalizePem(material.certificateChain),
    privateKey: material.privateKey && normalizePem(material.privateKey.reveal()),
    trustedCa: material.trustedCa && normalizePem(material.trustedCa),
    crl: material.crl && normalizePem(material.crl),
  });
}

/**
 * A version: SHA-256 over the kind and the normalized material. Applying identical content again
 * (whatever its line endings or surrounding whitespace) yields the same hash, so nothing changes.
 */
export function contentHash(kind: CredentialKind, material: CredentialMaterialPem): string {
  return sha256Hex(`${kind}\n${materialJson(material)}`);
}
