import type { RouteDoc } from '../docs/openapi.js';

const acme = (method: RouteDoc['method'], path: string, summary: string): RouteDoc => ({
  method,
  path: `/acme/{issuer}${path}`,
  summary: `ACME (RFC 8555): ${summary}. A JWS (application/jose+json) authenticates, not a token`,
  tag: 'acme',
  verb: 'public',
  ...(method === 'post' ? { body: 'json' as const } : {}),
});

/** The ACME server's routes and the EAB keys (docs/acme.md), for the api's OpenAPI document. */
export const ACME_ROUTES: RouteDoc[] = [
  acme('get', '/directory', "the issuer's directory"),
  acme('head', '/new-nonce', 'a fresh Replay-Nonce'),
  acme('get', '/new-nonce', 'a fresh Replay-Nonce'),
  acme('post', '/new-account', 'create or find the account of a key, bound to a team by EAB'),
  acme('post', '/acct/{id}', 'read, update or deactivate an account'),
  acme('post', '/acct/{id}/orders', "the account's orders"),
  acme('post', '/key-change', "roll the account's key over"),
  acme('post', '/new-order', "an order; its names are checked against the team's policy first"),
  acme('post', '/order/{id}', 'read an order'),
  acme('post', '/order/{id}/finalize', 'finalize with a CSR: the ca signs it as for /v1/ca/sign'),
  acme('post', '/authz/{id}', 'read or deactivate an authorization'),
  acme('post', '/chall/{authz}/{type}', 'answer a challenge (http-01, tls-alpn-01, dns-01)'),
  acme('post', '/cert/{serial}', 'download the certificate chain'),
  acme('post', '/revoke-cert', "revoke, signed by the account or the certificate's key"),
  {
    method: 'post',
    path: '/v1/acme/eab',
    summary: 'Create an ACME External Account Binding key for a team; the HMAC key is shown once',
    tag: 'acme',
    verb: 'admin',
    body: 'json',
  },
  {
    method: 'get',
    path: '/v1/acme/eab',
    summary: 'EAB keys (never the HMAC key) and how many accounts each bound',
    tag: 'acme',
    verb: 'admin',
    query: [{ name: 'team', description: "only this team's keys" }],
  },
  {
    method: 'delete',
    path: '/v1/acme/eab/{kid}',
    summary: 'Revoke an EAB key: no new account binds with it',
    tag: 'acme',
    verb: 'admin',
  },
];
