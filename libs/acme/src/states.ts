import { acmeError } from './problem.js';

/** RFC 8555 §7.1.6 status values. */
export type AccountStatus = 'valid' | 'deactivated' | 'revoked';
export type OrderStatus = 'pending' | 'ready' | 'processing' | 'valid' | 'invalid';
export type AuthorizationStatus = 'pending' | 'valid' | 'invalid' | 'deactivated' | 'expired' | 'revoked';
export type ChallengeStatus = 'pending' | 'processing' | 'valid' | 'invalid';

/** Only a valid account may act (§7.3.6: a deactivated account's requests are unauthorized). */
export function requireValidAccount(status: AccountStatus): void {
  if (status !== 'valid') throw acmeError('unauthorized', `the account is ${status}`);
}

/** An authorization as it is now: a pending or valid one past its expiry has expired. */
export function authorizationStatusAt(
  stored: AuthorizationStatus,
  expires: Date,
  now: Date,
): AuthorizationStatus {
  if ((stored === 'pending' || stored === 'valid') && expires.getTime() <= now.getTime()) return 'expired';
  return stored;
}

/**
 * §7.1.6 order states: pending until every authorization is valid (then ready); invalid as soon as
 * one is invalid, deactivated, expired or revoked, or the order itself expired before it was valid;
 * processing and valid are set by finalization.
 */
export function orderStatusAt(
  stored: OrderStatus,
  authorizations: readonly AuthorizationStatus[],
  expires: Date,
  now: Date,
): OrderStatus {
  if (stored === 'valid' || stored === 'invalid') return stored;
  if (stored === 'processing') return stored;
  if (expires.getTime() <= now.getTime()) return 'invalid';
  if (authorizations.some((a) => a !== 'pending' && a !== 'valid')) return 'invalid';
  if (authorizations.length > 0 && authorizations.every((a) => a === 'valid')) return 'ready';
  return 'pending';
}

/** §7.4: finalize only a ready order. */
export function requireReady(status: OrderStatus): void {
  if (status !== 'ready')
    throw acmeError('orderNotReady', `the order is ${status}; it can be finalized only when ready`);
}

/**
 * §7.5.1: a client's response to a pending challenge of a pending authorization starts validation;
 * a response to one already processing, valid or invalid changes nothing (answered as it is).
 */
export function respondToChallenge(
  challenge: ChallengeStatus,
  authorization: AuthorizationStatus,
): 'validate' | 'unchanged' {
  if (challenge !== 'pending') return 'unchanged';
  if (authorization !== 'pending')
    throw acmeError(
      'malformed',
      `the authorization is ${authorization}: its challenges can no longer be answered`,
    );
  return 'validate';
}

/** §7.5.2: an account may deactivate a pending or valid authorization. */
export function deactivateAuthorization(status: AuthorizationStatus): AuthorizationStatus {
  if (status !== 'pending' && status !== 'valid')
    throw acmeError('malformed', `an authorization that is ${status} cannot be deactivated`);
  return 'deactivated';
}
