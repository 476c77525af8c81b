import type { FieldError } from '#keyway/contracts';
import { Findings, type FindingKind, type Severity } from './codes.js';
import { finding, type Finding } from './finding.js';

/** Which finding each of the Secret validator's codes (#keyway/secrets SecretErrorCode) is. */
const BY_SECRET_CODE: Record<string, FindingKind> = {
  'expiring-soon': Findings.credentialExpiringSoon,
  expired: Findings.credentialNotValidNow,
  'not-yet-valid': Findings.credentialNotValidNow,
  'key-mismatch': Findings.keyCertificateMismatch,
  'chain-order': Findings.certificateChainInvalid,
  'chain-signature': Findings.certificateChainInvalid,
};

/**
 * The Secret validator's errors and warnings as findings: an error rejects the Secret (its previous
 * version keeps serving), a warning does not.
 */
export function credentialFindings(
  resource: string,
  result: { errors: readonly FieldError[]; warnings: readonly FieldError[] },
): Finding[] {
  const one = (e: FieldError, severity: Severity): Finding =>
    finding(
      BY_SECRET_CODE[e.code] ?? Findings.invalidCredential,
      e.resource ?? resource,
      e.message,
      e.field || undefined,
      severity,
    );
  return [...result.errors.map((e) => one(e, 'Error')), ...result.warnings.map((e) => one(e, 'Warning'))];
}

/** Schema errors from a manifest that does not parse (IST0106, as istioctl reports CRD schema errors). */
export function schemaFindings(resource: string, errors: readonly FieldError[]): Finding[] {
  return errors.map((e) =>
    finding(
      Findings.schemaValidationError,
      e.resource ?? resource,
      `Schema validation error: ${e.message}`,
      e.field || undefined,
    ),
  );
}
