import {
  authorizationStatusAt,
  challengeTypesFor,
  orderStatusAt,
  type AcmeIdentifier,
  type ChallengeType,
} from '#keyway/acme';
import type { AccountRow, AuthorizationRow, OrderRow } from './acme-store.js';
import type { AcmeUrls } from './acme-urls.js';

/** RFC 8555 §7.1 resource objects as clients read them. */
export function accountView(a: AccountRow, urls: AcmeUrls): Record<string, unknown> {
  return {
    status: a.status,
    contact: a.contact,
    orders: urls.orders(a.id),
    createdAt: a.createdAt.toISOString(),
    ...(a.eabKid ? { externalAccountBinding: { kid: a.eabKid } } : {}),
  };
}

export function orderStatusNow(o: OrderRow, now: Date) {
  return orderStatusAt(
    o.status,
    o.authzStates.map((a) => authorizationStatusAt(a.status, a.expires, now)),
    o.expires,
    now,
  );
}

export function orderView(o: OrderRow, urls: AcmeUrls, now: Date): Record<string, unknown> {
  return {
    status: orderStatusNow(o, now),
    expires: o.expires.toISOString(),
    identifiers: o.identifiers,
    ...(o.notBefore ? { notBefore: o.notBefore.toISOString() } : {}),
    ...(o.notAfter ? { notAfter: o.notAfter.toISOString() } : {}),
    authorizations: o.authorizations.map((id) => urls.authorization(id)),
    finalize: urls.finalize(o.id),
    ...(o.serial ? { certificate: urls.certificate(o.serial) } : {}),
    ...(o.error ? { error: o.error } : {}),
  };
}

export function challengeView(
  a: AuthorizationRow,
  type: ChallengeType,
  urls: AcmeUrls,
): Record<string, unknown> {
  const c = a.challenges[type] ?? { status: 'pending' };
  return {
    type,
    url: urls.challenge(a.id, type),
    status: c.status,
    token: a.token,
    ...(c.validated ? { validated: c.validated } : {}),
    ...(c.error ? { error: c.error } : {}),
  };
}

export function authorizationView(a: AuthorizationRow, urls: AcmeUrls, now: Date): Record<string, unknown> {
  const identifier: AcmeIdentifier = { type: 'dns', value: a.identifier };
  return {
    status: authorizationStatusAt(a.status, a.expires, now),
    expires: a.expires.toISOString(),
    identifier,
    challenges: challengeTypesFor(a.wildcard)
      .filter((t) => a.challenges[t])
      .map((t) => challengeView(a, t, urls)),
    ...(a.wildcard ? { wildcard: true } : {}),
  };
}
