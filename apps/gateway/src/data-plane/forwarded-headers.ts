import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { xfccValue, type ForwardedClientCert } from './client-certificate.js';

/** Hop-by-hop headers (RFC 9110 7.6.1) never cross the proxy; HTTP/2 forbids them outright. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'proxy-authenticate',
  'proxy-authorization',
  'http2-settings',
]);

const NO_TOKENS: ReadonlySet<string> = new Set();

/** Headers named in Connection are hop-by-hop too (RFC 9110 7.6.1). */
function connectionTokens(headers: IncomingHttpHeaders): ReadonlySet<string> {
  const value = headers.connection;
  if (value === undefined) return NO_TOKENS;
  const text = Array.isArray(value) ? value.join(',') : value;
  return new Set(
    text
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
}

export interface UpstreamHeaderInput {
  headers: IncomingHttpHeaders;
  host: string;
  scheme: 'http' | 'https';
  remoteAddress?: string;
  originalPath?: string;
  /** The connection's verified client certificate: sent on as x-forwarded-client-cert. */
  clientCertificate?: ForwardedClientCert;
}

/**
 * Headers a client may not set for the upstream, as Envoy at the edge: its own client-certificate
 * claim (Istio gateways run forward_client_cert_details SANITIZE_SET: the header is replaced with
 * the verified certificate on mTLS connections and removed otherwise) and Envoy's internal x-envoy-*.
 */
function clientMayNotSet(name: string): boolean {
  return name === 'x-forwarded-client-cert' || name.startsWith('x-envoy-');
}

/** Request headers for the upstream: no pseudo or hop-by-hop headers, Host set, x-forwarded-* added. */
export function upstreamRequestHeaders(input: UpstreamHeaderInput): OutgoingHttpHeaders {
  const dropped = connectionTokens(input.headers);
  const out: OutgoingHttpHeaders = {};
  const headers = input.headers;
  for (const name in headers) {
    const value = headers[name];
    if (
      value === undefined ||
      name.charCodeAt(0) === 0x3a /* ':' pseudo header */ ||
      HOP_BY_HOP.has(name) ||
      dropped.has(name) ||
      name === 'host' ||
      clientMayNotSet(name)
    )
      continue;
    out[name] = value;
  }
  out.host = input.host;
  out['x-forwarded-proto'] = input.scheme;
  const prior = input.headers['x-forwarded-for'];
  if (input.remoteAddress)
    out['x-forwarded-for'] = prior
      ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${input.remoteAddress}`
      : input.remoteAddress;
  if (!input.headers['x-request-id']) out['x-request-id'] = randomUUID();
  if (input.originalPath !== undefined) out['x-envoy-original-path'] = input.originalPath;
  if (input.clientCertificate) out['x-forwarded-client-cert'] = xfccValue(input.clientCertificate);
  // A TE of "trailers" is the one hop-by-hop value gRPC needs end to end.
  if (String(input.headers.te ?? '').toLowerCase() === 'trailers') out.te = 'trailers';
  return out;
}

/** Response headers for the downstream, safe for HTTP/1.1 and HTTP/2 alike (an HTTP/2 upstream's `:status` left out). */
export function downstreamResponseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const dropped = connectionTokens(headers);
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || name.charCodeAt(0) === 0x3a || HOP_BY_HOP.has(name) || dropped.has(name))
      continue;
    out[name] = value;
  }
  return out;
}
