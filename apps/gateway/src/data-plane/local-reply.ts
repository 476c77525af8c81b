import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';

export type AnyResponse = ServerResponse | Http2ServerResponse;

/** A reply the gateway makes itself (404, 421, 503, ...), as plain text like Envoy's local replies. */
export function localReply(
  res: AnyResponse,
  status: number,
  body = '',
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    destroyResponse(res);
    return;
  }
  const bytes = Buffer.from(body);
  res.writeHead(status, {
    ...(bytes.length ? { 'content-type': 'text/plain' } : {}),
    'content-length': String(bytes.length),
    ...headers,
  });
  res.end(bytes);
}

export function destroyResponse(res: AnyResponse): void {
  if ('stream' in res) res.stream.close(2 /* INTERNAL_ERROR */);
  else res.destroy();
}
