import type { Exchange } from './exchange.js';

const EMPTY = Buffer.alloc(0);

/** A reply the gateway makes itself (404, 421, 503, ...), as plain text like Envoy's local replies. */
export function localReply(
  exchange: Exchange,
  status: number,
  body = '',
  headers: Record<string, string> = {},
): void {
  if (exchange.headersSent) {
    exchange.abort();
    return;
  }
  const bytes = body ? Buffer.from(body) : EMPTY;
  exchange.respond(
    status,
    {
      ...(bytes.length ? { 'content-type': 'text/plain' } : {}),
      'content-length': String(bytes.length),
      ...headers,
    },
    bytes,
  );
}
