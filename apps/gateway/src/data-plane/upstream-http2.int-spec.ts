import http2 from 'node:http2';
import https from 'node:https';
import { once } from 'node:events';
import { jest } from '@jest/globals';
import { Gateway } from '../gateway.js';
import { curl } from '../testing/curl.js';
import * as R from '../testing/envoy-resources.js';
import { testGateway } from '../testing/gateway-harness.js';
import { TestPki, type TestAuthority } from '../testing/openssl-pki.js';
import { UpstreamServer } from '../testing/upstream-server.js';
import { Http2ConnectionPool } from './http2-upstream.js';

const { TypeUrl } = R;
const ROUTES = 'https.443.https.mygateway.istio-system';
const SECRET = 'kubernetes://httpbin-credential';
const HOST = 'httpbin.example.com';

describe('HTTP/2 upstreams, where the cluster asks for them', () => {
  let pki: TestPki;
  let ca: TestAuthority;
  let gateway: Gateway;
  let port: number;
  const upstream = new UpstreamServer('grpcish');

  beforeAll(async () => {
    pki = await TestPki.create();
    ca = await pki.authority('example-ca');
    const cert = await pki.issue(ca, 'httpbin', { sans: [`DNS:${HOST}`], usage: 'server' });
    await upstream.start();
    gateway = testGateway().gateway;
    const to = (name: string, extra: Record<string, unknown> = {}, at = upstream.port) => ({
      ...R.staticCluster(name, [['127.0.0.1', at]]),
      ...extra,
    });
    for (const u of [
      R.update(TypeUrl.Cluster, 'c1', [
        to('h2', R.upstreamHttp2('explicit')),
        to('follow', R.upstreamHttp2('downstream')),
        to('legacy', { http2_protocol_options: {} }),
        to('h1'),
        to('h2-down', R.upstreamHttp2('explicit'), 9),
      ]),
      R.update(TypeUrl.Listener, 'l1', [
        R.listener('0.0.0.0_8443', 443, [
          R.tlsChain({ serverNames: [HOST], secret: SECRET, mode: 'SIMPLE', routeName: ROUTES }),
        ]),
      ]),
      R.update(TypeUrl.RouteConfiguration, 'r1', [
        R.routeConfiguration(ROUTES, [
          R.virtualHost(
            'all',
            ['*'],
            [
              {
                match: { prefix: '/slow' },
                route: { cluster: 'h2', timeout: { nanos: 200_000_000 }, prefix_rewrite: '/delay' },
              },
              ...['h2', 'follow', 'legacy', 'h1', 'h2-down'].map((c) =>
                R.routeTo(`/${c}/`, c, { prefix_rewrite: '/' }),
              ),
            ],
          ),
        ]),
      ]),
      R.update(TypeUrl.Secret, 's1', [
        R.tlsCertificateSecret(SECRET, cert.certificateChain, cert.privateKey.reveal()),
      ]),
    ])
      expect(await gateway.onUpdate(u)).toEqual({ ok: true });
    port = gateway.listeners.boundPort('0.0.0.0_8443')!;
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.stop();
    await pki.cleanup();
  });

  const get = (path: string, more: Partial<Parameters<typeof curl>[0]> = {}) =>
    curl({ host: HOST, port, path, cacert: ca.certFile, ...more });
  /** The HTTP version the upstream saw (it echoes it in x-http-version). */
  const upstreamVersion = async (path: string, http: '1.1' | '2') => {
    const r = await get(path, { http });
    expect(r).toMatchObject({ status: 200, httpVersion: http });
    return r.headers['x-http-version'];
  };

  it('speaks HTTP/2 upstream for a cluster with explicit http2_protocol_options, whatever came downstream', async () => {
    expect(await upstreamVersion('/h2/get', '1.1')).toBe('2.0');
    expect(await upstreamVersion('/h2/get', '2')).toBe('2.0');
    expect(await upstreamVersion('/legacy/get', '1.1')).toBe('2.0');
    expect(await upstreamVersion('/h1/get', '2')).toBe('1.1');
  });

  it('follows the downstream protocol under use_downstream_protocol_config', async () => {
    expect(await upstreamVersion('/follow/get', '1.1')).toBe('1.1');
    expect(await upstreamVersion('/follow/get', '2')).toBe('2.0');
  });

  it('multiplexes concurrent requests over one HTTP/2 connection, bodies included', async () => {
    const before = upstream.connections;
    const statuses = await Promise.all(
      Array.from(
        { length: 24 },
        (_, i) =>
          new Promise<number>((resolve, reject) => {
            const req = https.request(
              {
                host: '127.0.0.1',
                port,
                method: 'POST',
                path: `/h2/anything/${i}`,
                servername: HOST,
                ca: ca.certificate,
                headers: { host: HOST, 'content-type': 'text/plain' },
              },
              (res) => (res.resume(), resolve(res.statusCode ?? 0)),
            );
            req.on('error', reject);
            req.end(`body ${i}`);
          }),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(upstream.connections - before).toBeLessThanOrEqual(1);
    const seen = upstream.requests.filter((r) => r.url.startsWith('/anything/'));
    expect(seen).toHaveLength(24);
    expect(seen.every((r) => r.httpVersion === '2.0' && r.body === `body ${r.url.split('/')[2]}`)).toBe(true);
    expect(seen[0].headers).toMatchObject({ ':authority': HOST, 'x-forwarded-proto': 'https' });
  });

  it('answers 503 when the HTTP/2 upstream cannot be reached and 504 past the route timeout', async () => {
    const down = await get('/h2-down/get');
    expect(down.status).toBe(503);
    expect(down.body).toMatch(/upstream connect error/);
    expect(await get('/slow/2000')).toMatchObject({ status: 504, body: 'upstream request timeout' });
    // The connection survives the cancelled stream.
    expect((await get('/h2/get')).status).toBe(200);
  });

  it('answers 503 when the pooled HTTP/2 connection is gone by the time the stream opens', async () => {
    // The race between the pool's check and session.request(): the request throws at once.
    const gone = http2.connect(`http://127.0.0.1:${upstream.port}`);
    await once(gone, 'connect');
    gone.destroy();
    const spy = jest.spyOn(Http2ConnectionPool.prototype, 'session').mockReturnValueOnce(gone);
    try {
      const r = await get('/h2/get');
      expect(r.status).toBe(503);
      expect(r.body).toMatch(/connection termination/);
    } finally {
      spy.mockRestore();
    }
    expect((await get('/h2/get')).status).toBe(200);
  });
});
