import type { PeerCertificate } from 'node:tls';

/** Who is on the other end of a stream, as established before any request is read. */
export type ProxyIdentity =
  | { ok: true; method: 'mtls'; namespace: string; serviceAccount: string; spiffeId: string }
  | { ok: true; method: 'token'; namespace: string }
  | { ok: false; status: 'UNAUTHENTICATED' | 'PERMISSION_DENIED'; reason: string };

export interface IdentityInputs {
  /** The verified peer certificate (TLS verified chain, expiry and CRL), when there is one. */
  peerCertificate?: PeerCertificate;
  /** Values of the `authorization` metadata header. */
  authorization: string[];
}

export interface IdentityPolicy {
  trustDomain: string;
  /** token -> namespace */
  bootstrapTokens: ReadonlyMap<string, string>;
}

const SPIFFE = /^spiffe:\/\/([^/]+)\/ns\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/sa\/([^/]+)$/;

/** URI SANs from Node's `subjectaltname` string (`DNS:a, URI:spiffe://...`). */
export function uriSans(certificate: PeerCertificate): string[] {
  return (certificate.subjectaltname ?? '')
    .split(/,\s*/)
    .filter((s) => s.startsWith('URI:'))
    .map((s) => s.slice(4));
}

/**
 * A verified client certificate carrying `spiffe://<trust-domain>/ns/<ns>/sa/<sa>`, or a
 * bootstrap token for one namespace. A certificate that is present decides: its trust domain
 * must match, and a token does not rescue a wrong one.
 */
export function identify(inputs: IdentityInputs, policy: IdentityPolicy): ProxyIdentity {
  const cert = inputs.peerCertificate;
  if (cert) {
    const sans = uriSans(cert).filter((u) => u.startsWith('spiffe://'));
    if (sans.length !== 1) {
      return {
        ok: false,
        status: 'PERMISSION_DENIED',
        reason: 'client certificate: needs exactly one SPIFFE URI SAN',
      };
    }
    const m = SPIFFE.exec(sans[0]);
    if (!m)
      return {
        ok: false,
        status: 'PERMISSION_DENIED',
        reason: `client certificate: ${sans[0]}: not a workload identity`,
      };
    if (m[1] !== policy.trustDomain) {
      return {
        ok: false,
        status: 'PERMISSION_DENIED',
        reason: `client certificate: trust domain ${m[1]} is not ${policy.trustDomain}`,
      };
    }
    return { ok: true, method: 'mtls', namespace: m[2], serviceAccount: m[4], spiffeId: sans[0] };
  }
  const bearer = inputs.authorization.find((v) => /^Bearer\s+/i.test(v));
  if (bearer) {
    const namespace = policy.bootstrapTokens.get(bearer.replace(/^Bearer\s+/i, '').trim());
    if (!namespace) return { ok: false, status: 'UNAUTHENTICATED', reason: 'bearer token: not recognized' };
    return { ok: true, method: 'token', namespace };
  }
  return {
    ok: false,
    status: 'UNAUTHENTICATED',
    reason: 'no verified client certificate and no bearer token',
  };
}
