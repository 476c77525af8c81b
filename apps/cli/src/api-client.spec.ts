import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient } from './api-client.js';

/** A real HTTP server that answers 503 (Retry-After: 0) `outages` times, then 200. */
async function flakyServer(
  outages: number,
): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    if (hits <= outages) {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end(JSON.stringify({ code: 'unavailable', message: 'NATS is down' }));
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('the CLI retries idempotent calls through an outage, saying so', () => {
  it('a GET is retried until the api answers', async () => {
    const s = await flakyServer(2);
    const said: string[] = [];
    try {
      const client = new ApiClient(s.url, 't', fetch, { maxSeconds: 10, notify: (l) => said.push(l) });
      expect(await client.request('GET', '/v1/x')).toEqual({ ok: true });
      expect(s.hits()).toBe(3);
      expect(said).toEqual([
        'keyway: the api is unavailable (NATS is down); retrying in 0.0s',
        'keyway: the api is unavailable (NATS is down); retrying in 0.0s',
      ]);
    } finally {
      await s.close();
    }
  });

  it('a POST is not retried: it may have been applied', async () => {
    const s = await flakyServer(1);
    try {
      const client = new ApiClient(s.url, 't', fetch, { maxSeconds: 10, notify: () => undefined });
      await expect(client.request('POST', '/v1/apply', { text: 'x' })).rejects.toThrow(/ServiceUnavailable/);
      expect(s.hits()).toBe(1);
    } finally {
      await s.close();
    }
  });

  it('gives up after the bound', async () => {
    const s = await flakyServer(1000);
    try {
      const client = new ApiClient(s.url, 't', fetch, {
        maxSeconds: 0.2,
        notify: () => undefined,
        sleep: (ms) => new Promise((r) => setTimeout(r, Math.max(ms, 50))),
      });
      await expect(client.request('GET', '/v1/x')).rejects.toThrow(/ServiceUnavailable/);
      expect(s.hits()).toBeLessThan(10);
    } finally {
      await s.close();
    }
  });
});
