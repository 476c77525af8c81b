import type { FieldError } from '#keyway/contracts';

/** `Secret/<namespace>/<name>`: the resource every error and warning of a Secret names. */
export function secretResource(namespace: string, name: string): string {
  return `Secret/${namespace}/${name}`;
}

/** What went wrong, by kind; the message says the details. */
export type SecretErrorCode =
  | 'invalid-manifest'
  | 'invalid-base64'
  | 'reserved-name'
  | 'forbidden-field'
  | 'missing-keys'
  | 'empty-keys'
  | 'cacert-holds-key'
  | 'not-found'
  | 'too-large'
  | 'pem-invalid'
  | 'key-invalid'
  | 'key-type'
  | 'key-mismatch'
  | 'chain-order'
  | 'chain-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'expiring-soon'
  | 'ca-invalid'
  | 'crl-invalid'
  | 'crl-signer'
  | 'crl-expired'
  | 'crl-without-ca';

export function secretError(
  namespace: string,
  name: string,
  field: string,
  code: SecretErrorCode,
  message: string,
): FieldError {
  return { code, resource: secretResource(namespace, name), field, message };
}

/** `Secret/<ns>/<name>: <field>: <reason>` */
export function formatSecretError(e: FieldError): string {
  return [e.resource, e.field, e.message].filter((s) => s !== undefined && s.length > 0).join(': ');
}

/** For callers that prefer exceptions (CLI, scripts); validation itself returns data. */
export class SecretResolutionError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map(formatSecretError).join('\n'));
    this.name = 'SecretResolutionError';
  }
}
