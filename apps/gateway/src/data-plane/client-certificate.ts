import { createHash } from 'node:crypto';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { compileStringMatcher, isRoutingError, type StringPredicate } from '#keyway/routing';
import type { ClientCertificateMode, SanMatcher } from '../model/tls-context.js';

export type AdmitResult = { ok: true } | { ok: false; reason: string };

interface CompiledSan {
  type?: string;
  test: StringPredicate;
}

/**
 * The checks Envoy makes on a client certificate that OpenSSL does not: SAN matchers from the
 * validation context, and for OPTIONAL_MUTUAL, that a presented certificate is valid.
 */
export function clientCertificatePolicy(
  mode: ClientCertificateMode,
  matchers: readonly SanMatcher[],
): (socket: TLSSocket) => AdmitResult {
  const sans: CompiledSan[] = matchers.map((m, i) => {
    const p = compileStringMatcher(m.matcher, `san[${i}]`);
    // Matchers were validated when the listener was parsed; a bad one matches nothing.
    return { type: m.type, test: isRoutingError(p) ? () => false : p };
  });
  return (socket) => {
    if (mode === 'none') return { ok: true };
    const cert = socket.getPeerCertificate();
    const presented = cert && Object.keys(cert).length > 0;
    if (!presented)
      return mode === 'required' ? { ok: false, reason: 'no client certificate' } : { ok: true };
    if (!socket.authorized)
      return { ok: false, reason: `client certificate not trusted: ${socket.authorizationError}` };
    if (sans.length === 0) return { ok: true };
    const names = subjectAltNames(cert);
    const match = names.some((n) =>
      sans.some((s) => (s.type === undefined || s.type === n.type) && s.test(n.value)),
    );
    return match ? { ok: true } : { ok: false, reason: 'client certificate SAN does not match' };
  };
}

/** Node's `subjectaltname` text (`DNS:a, URI:spiffe://x, IP Address:1.2.3.4, email:e`) as typed values. */
export function subjectAltNames(cert: PeerCertificate): Array<{ type: string; value: string }> {
  const text = cert.subjectaltname ?? '';
  const out: Array<{ type: string; value: string }> = [];
  // Values with commas are JSON-quoted by Node, so split only on ", " outside quotes.
  for (const part of text.match(/(?:[^,"]|"(?:\\.|[^"])*")+/g) ?? []) {
    const entry = part.trim();
    const colon = entry.indexOf(':');
    if (colon < 0) continue;
    let value = entry.slice(colon + 1);
    if (value.startsWith('"')) value = JSON.parse(value) as string;
    const type = entry.slice(0, colon);
    out.push({ type: type === 'email' ? 'EMAIL' : type, value });
  }
  return out;
}

/** What x-forwarded-client-cert carries of a verified client certificate (Envoy's SANITIZE_SET). */
export interface ForwardedClientCert {
  /** SHA-256 of the DER certificate, lowercase hex. */
  hash: string;
  subject: string;
  uris: string[];
  dns: string[];
}

/** Per TLS connection: its client certificate is read and hashed once, not for every request. */
const seen = new WeakMap<TLSSocket, ForwardedClientCert | null>();

/**
 * The verified client certificate of the connection a request came in on, or undefined when there
 * is none (plain HTTP, SIMPLE, OPTIONAL_MUTUAL without one). Only an authorized certificate counts:
 * the chain's policy has refused every other before a request is read.
 */
export function verifiedClientCertificate(socket: TLSSocket | undefined): ForwardedClientCert | undefined {
  if (!socket || !socket.authorized) return undefined;
  let known = seen.get(socket);
  if (known === undefined) {
    known = readClientCertificate(socket);
    seen.set(socket, known);
  }
  return known ?? undefined;
}

function readClientCertificate(socket: TLSSocket): ForwardedClientCert | null {
  const cert = socket.getPeerCertificate(false) as PeerCertificate & { raw?: Buffer };
  if (!cert?.raw) return null;
  const names = subjectAltNames(cert);
  return {
    hash: createHash('sha256').update(cert.raw).digest('hex'),
    subject: distinguishedName(cert.subject as unknown as Record<string, string | string[]> | undefined),
    uris: names.filter((n) => n.type === 'URI').map((n) => n.value),
    dns: names.filter((n) => n.type === 'DNS').map((n) => n.value),
  };
}

/** Envoy's XFCC element: `Hash=...;Subject="...";URI=...;DNS=...` (set_current_client_cert_details). */
export function xfccValue(c: ForwardedClientCert): string {
  const quote = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return [
    `Hash=${c.hash}`,
    `Subject=${quote(c.subject)}`,
    ...c.uris.map((u) => `URI=${u}`),
    ...c.dns.map((d) => `DNS=${d}`),
  ].join(';');
}

/** Node's subject object as RFC 2253 text, most specific attribute first (as Envoy prints it). */
function distinguishedName(subject: Record<string, string | string[]> | undefined): string {
  if (!subject) return '';
  return Object.entries(subject)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${k}=${x}`))
    .reverse()
    .join(',');
}
