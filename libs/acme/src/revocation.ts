import { revocationReason, type RevocationReasonName } from '#keyway/contracts';
import { acmeError } from './problem.js';

/** RFC 5280 §5.3.1 reason codes keyway's ca records, in code order (8, 9, 10 are not offered). */
const REASONS = revocationReason.options;
export type AcmeRevocationReason = RevocationReasonName;

/** RFC 8555 §7.6 `reason`: absent is unspecified; codes keyway does not record are badRevocationReason. */
export function revocationReasonOf(code: unknown): AcmeRevocationReason {
  if (code === undefined) return 'unspecified';
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 0 || code >= REASONS.length)
    throw acmeError(
      'badRevocationReason',
      `reason ${JSON.stringify(code)} is not one of 0 to ${REASONS.length - 1}`,
    );
  // certificateHold is not for an end-entity certificate revoked over ACME (Let's Encrypt refuses it too).
  if (code === 6) throw acmeError('badRevocationReason', 'reason 6 (certificateHold) is not accepted');
  return REASONS[code];
}
