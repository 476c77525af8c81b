import {
  canonicalJson,
  sha256Hex,
  validateSecret,
  type DecodedSecret,
  type SecretValidation,
  type ValidationOptions,
} from '#keyway/secrets';
import type { SourceName } from './config.js';

/** One source's copy of one Secret, validated once when it arrives. */
export interface SecretEntry {
  source: SourceName;
  actor: string;
  validation: SecretValidation;
  /** Hash of the Secret's type and data: the same bytes again is a no-op. */
  dataHash: string;
  createdAt: string;
  updatedAt: string;
}

export function dataHashOf(secret: DecodedSecret): string {
  const data: Record<string, string> = {};
  for (const k of secret.keys()) data[k] = secret.get(k)!.toString('base64');
  return sha256Hex(canonicalJson({ type: secret.type, data }));
}

export function entryFor(
  source: SourceName,
  actor: string,
  secret: DecodedSecret,
  options: ValidationOptions,
  at: string,
  previous?: SecretEntry,
): SecretEntry {
  return {
    source,
    actor,
    validation: validateSecret(secret, options),
    dataHash: dataHashOf(secret),
    createdAt: previous?.createdAt ?? at,
    updatedAt: at,
  };
}
