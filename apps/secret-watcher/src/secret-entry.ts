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

/** What checking a Secret found, which depends on nothing but the Secret: made once, where it arrives. */
export interface CheckedSecret {
  validation: SecretValidation;
  dataHash: string;
}

/**
 * Parses and checks the Secret's certificates and key. This is most of an apply's CPU (an EC key
 * import alone is about 0.4 ms), so the reconciler does it when an event arrives, before the event
 * waits in the one writer's queue: it runs while the previous group commits, not inside the
 * serialized staging.
 */
export function checkSecret(secret: DecodedSecret, options: ValidationOptions): CheckedSecret {
  return { validation: validateSecret(secret, options), dataHash: dataHashOf(secret) };
}

export function entryFor(
  source: SourceName,
  actor: string,
  secret: DecodedSecret,
  options: ValidationOptions,
  at: string,
  previous?: SecretEntry,
  checked: CheckedSecret = checkSecret(secret, options),
): SecretEntry {
  return {
    source,
    actor,
    validation: checked.validation,
    dataHash: checked.dataHash,
    createdAt: previous?.createdAt ?? at,
    updatedAt: at,
  };
}
