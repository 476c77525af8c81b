import { errorOf } from './testing/error-of.js';
import {
  authorizationStatusAt,
  deactivateAuthorization,
  orderStatusAt,
  requireReady,
  requireValidAccount,
  respondToChallenge,
  type AuthorizationStatus,
  type OrderStatus,
} from './states.js';

const now = new Date('2030-01-01T00:00:00Z');
const later = new Date('2030-01-02T00:00:00Z');
const earlier = new Date('2029-12-31T00:00:00Z');

describe('order states (RFC 8555 §7.1.6)', () => {
  it.each<[OrderStatus, AuthorizationStatus[], Date, OrderStatus]>([
    ['pending', ['pending', 'valid'], later, 'pending'],
    ['pending', ['valid', 'valid'], later, 'ready'],
    ['pending', ['valid', 'invalid'], later, 'invalid'],
    ['pending', ['deactivated'], later, 'invalid'],
    ['pending', ['expired'], later, 'invalid'],
    ['pending', ['pending'], earlier, 'invalid'],
    ['processing', ['valid'], later, 'processing'],
    ['valid', ['valid'], earlier, 'valid'],
    ['invalid', ['valid'], later, 'invalid'],
  ])('%s with authorizations %j (expires %s) is %s', (stored, authz, expires, want) => {
    expect(orderStatusAt(stored, authz, expires, now)).toBe(want);
  });

  it.each<[OrderStatus, string | undefined]>([
    ['ready', undefined],
    ['pending', 'orderNotReady'],
    ['processing', 'orderNotReady'],
    ['valid', 'orderNotReady'],
    ['invalid', 'orderNotReady'],
  ])('finalizing a %s order: %s', (status, type) => {
    expect(errorOf(() => requireReady(status))).toBe(type);
  });
});

describe('authorization and challenge states', () => {
  it.each<[AuthorizationStatus, Date, AuthorizationStatus]>([
    ['pending', later, 'pending'],
    ['pending', earlier, 'expired'],
    ['valid', earlier, 'expired'],
    ['invalid', earlier, 'invalid'],
  ])('%s expiring %s is %s', (stored, expires, want) => {
    expect(authorizationStatusAt(stored, expires, now)).toBe(want);
  });

  it.each([
    ['pending', 'pending', 'validate'],
    ['processing', 'pending', 'unchanged'],
    ['valid', 'valid', 'unchanged'],
    ['invalid', 'invalid', 'unchanged'],
  ] as const)('a response to a %s challenge of a %s authorization: %s', (c, a, want) => {
    expect(respondToChallenge(c, a)).toBe(want);
  });

  it('refuses a response to a pending challenge of an authorization no longer pending', () => {
    expect(errorOf(() => respondToChallenge('pending', 'invalid'))).toBe('malformed');
  });

  it.each<[AuthorizationStatus, string | undefined]>([
    ['pending', undefined],
    ['valid', undefined],
    ['invalid', 'malformed'],
    ['deactivated', 'malformed'],
  ])('deactivating a %s authorization: %s', (status, type) => {
    expect(errorOf(() => deactivateAuthorization(status))).toBe(type);
  });

  it.each([
    ['valid', undefined],
    ['deactivated', 'unauthorized'],
    ['revoked', 'unauthorized'],
  ] as const)('an account that is %s: %s', (status, type) => {
    expect(errorOf(() => requireValidAccount(status))).toBe(type);
  });
});
