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
