import http from 'node:http';

const TEAPOT = `
    -=[ teapot ]=-

       _...._
     .'  _ _ \`.
    | ."\` ^ \`". _,
    \\_;\`"---"\`|//
      |       ;/
      \\_     _/
        \`"""\`
`;

const MAX_DELAY_S = 10;

/**
 * The part of httpbin the walkthrough and the tests use: /status/<code> (the teapot for 418),
 * /delay/<s>, /headers, /get. Answers like httpbin does, so curl output matches Istio's docs.
 */
export function handleHttpbin(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://httpbin');
  const parts = url.pathname.split('/').filter(Boolean);
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [
      k.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase()),
      String(v),
    ]),
  );
  if (parts[0] === 'status' && parts.length === 2 && /^\d{3}$/.test(parts[1])) {
    const code = Number(parts[1]);
    if (code === 418) {
      res.writeHead(418, {
        'x-more-info': 'http://tools.ietf.org/html/rfc2324',
        'content-type': 'text/plain',
      });
      res.end(TEAPOT);
      return;
    }
    res.writeHead(code, { 'content-type': 'text/html; charset=utf-8' });
    res.end();
    return;
  }
  if (parts[0] === 'delay' && parts.length === 2 && /^\d+(\.\d+)?$/.test(parts[1])) {
    const seconds = Math.min(Number(parts[1]), MAX_DELAY_S);
    const timer = setTimeout(
      () => json(res, 200, { args: {}, headers, url: url.toString() }),
      seconds * 1000,
    );
    res.on('close', () => clearTimeout(timer));
    return;
  }
  if (parts[0] === 'headers' && parts.length === 1) return json(res, 200, { headers });
  if (parts[0] === 'get' && parts.length === 1)
    return json(res, 200, { args: Object.fromEntries(url.searchParams), headers, url: url.toString() });
  json(res, 404, { error: `no route ${url.pathname}` });
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body, null, 2) + '\n');
}

export { TEAPOT };
