import http from 'node:http';

/**
 * An http-01 responder (RFC 8555 §8.3) as a client under test runs one: answers
 * `/.well-known/acme-challenge/<token>` with the key authorization `tokens` holds, 404 otherwise.
 */
export async function startHttp01Responder(port: number, tokens: Map<string, string>): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const token = /^\/\.well-known\/acme-challenge\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '')?.[1];
    const body = token ? tokens.get(token) : undefined;
    res.statusCode = body ? 200 : 404;
    res.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}
