import { Gateway } from '../gateway.js';
import { curl } from '../testing/curl.js';
import * as R from '../testing/envoy-resources.js';
import { testGateway } from '../testing/gateway-harness.js';
import { TestPki, type IssuedCertificate, type TestAuthority } from '../testing/openssl-pki.js';
import { UpstreamServer } from '../testing/upstream-server.js';

const { TypeUrl } = R;
const HTTPBIN = 'outbound|8000||httpbin.default.svc.cluster.local';
const HELLO_V1 = 'outbound|5000|v1|helloworld.default.svc.cluster.local';
const HELLO_V2 = 'outbound|5000|v2|helloworld.default.svc.cluster.local';
const NOWHERE = 'outbound|9|nowhere';

describe('TLS termination and routing', () => {
  let pki: TestPki;
  let ca: TestAuthority;
  let httpbinCert: IssuedCertificate;
  let helloCert: IssuedCertificate;
  let gateway: Gateway;
  let port: number;
  const httpbin = new UpstreamServer('httpbin');
  const v1 = new UpstreamServer('v1');
  const v2 = new UpstreamServer('v2');

  beforeAll(async () => {
    pki = await TestPki.create();
    ca = await pki.authority('example-ca');
    httpbinCert = await pki.issue(ca, 'httpbin', { sans: ['DNS:httpbin.example.com'], usage: 'server' });
    helloCert = await pki.issue(ca, 'helloworld', {
      sans: ['DNS:helloworld.example.com', 'DNS:*.hello.example.com'],
      usage: 'server',
    });
    await Promise.all([httpbin.start(), v1.start(), v2.start()]);
    gateway = testGateway().gateway;
    const ok = async (p: Promise<{ ok: boolean }>) => expect(await p).toEqual({ ok: true });
    await ok(
      gateway.onUpdate(
        R.update(TypeUrl.Cluster, 'c1', [
          R.edsCluster(HTTPBIN),
          R.staticCluster(HELLO_V1, [['127.0.0.1', v1.port]]),
          R.staticCluster(HELLO_V2, [['127.0.0.1', v2.port]]),
          R.staticCluster(NOWHERE, [['127.0.0.1', 9]]),
        ]),
      ),
    );
    await ok(
      gateway.onUpdate(
        R.update(TypeUrl.ClusterLoadAssignment, 'e1', [
          R.loadAssignment(HTTPBIN, [['127.0.0.1', httpbin.port]]),
        ]),
      ),
    );
    await ok(
      gateway.onUpdate(
        R.update(TypeUrl.Listener, 'l1', [
          R.listener('0.0.0.0_8443', 443, [
            R.tlsChain({
              serverNames: ['httpbin.example.com'],
              secret: 'kubernetes://httpbin-credential',
              mode: 'SIMPLE',
              routeName: 'https.443.https-httpbin.mygateway.istio-system',
            }),
            R.tlsChain({
              serverNames: ['helloworld.example.com', '*.hello.example.com'],
              secret: 'kubernetes://helloworld-credential',
              mode: 'SIMPLE',
              routeName: 'https.443.https-helloworld.mygateway.istio-system',
            }),
          ]),
        ]),
      ),
    );
    await ok(
      gateway.onUpdate(
        R.update(TypeUrl.RouteConfiguration, 'r1', [
          R.routeConfiguration('https.443.https-httpbin.mygateway.istio-system', [
            R.virtualHost(
              'httpbin.example.com:443',
              ['httpbin.example.com', 'httpbin.example.com:*'],
              [
                { match: { path: '/status/418' }, route: { cluster: HTTPBIN } },
                {
                  match: {
                    prefix: '/headers',
                    headers: [{ name: 'x-canary', string_match: { exact: 'yes' } }],
                  },
                  route: { cluster: HELLO_V2 },
                },
                {
                  match: { safe_regex: { regex: '/anything/[0-9]+' } },
                  route: { cluster: HTTPBIN, prefix_rewrite: '/rewritten/' },
                },
                { match: { prefix: '/old/' }, route: { cluster: HTTPBIN, prefix_rewrite: '/new/' } },
                {
                  match: { prefix: '/moved' },
                  redirect: { path_redirect: '/new-home', response_code: R.RedirectCode.FOUND },
                },
                {
                  match: { prefix: '/teapot' },
                  direct_response: { status: 418, body: { inline_string: 'short and stout' } },
                },
                {
                  match: { prefix: '/slow' },
                  route: { cluster: HTTPBIN, timeout: { nanos: 200_000_000 }, prefix_rewrite: '/delay' },
                },
                {
                  match: { prefix: '/flaky' },
                  route: { cluster: HTTPBIN, retry_policy: { retry_on: '5xx', num_retries: { value: 2 } } },
                },
                { match: { prefix: '/down' }, route: { cluster: NOWHERE } },
                { match: { prefix: '/unknown-cluster' }, route: { cluster: 'outbound|1||missing' } },
                { match: { prefix: '/headers' }, route: { cluster: HTTPBIN } },
                { match: { prefix: '/get' }, route: { cluster: HTTPBIN } },
              ],
            ),
          ]),
          R.routeConfiguration('https.443.https-helloworld.mygateway.istio-system', [
            R.virtualHost(
              'helloworld',
              ['helloworld.example.com', 'helloworld.example.com:*', '*.hello.example.com'],
              [
                {
                  match: { prefix: '/hello' },
                  route: {
                    weighted_clusters: {
                      clusters: [
                        { name: HELLO_V1, weight: { value: 50 } },
                        { name: HELLO_V2, weight: { value: 50 } },
                      ],
                    },
                  },
                },
              ],
            ),
          ]),
        ]),
      ),
    );
    // Secrets last: until both arrive, the listener must not serve.
    expect(gateway.isReady()).toBe(false);
    await ok(
      gateway.onUpdate(
        R.update(TypeUrl.Secret, 's1', [
          R.tlsCertificateSecret(
            'kubernetes://httpbin-credential',
            httpbinCert.certificateChain,
            httpbinCert.privateKey.reveal(),
          ),
          R.tlsCertificateSecret(
            'kubernetes://helloworld-credential',
            helloCert.certificateChain,
            helloCert.privateKey.reveal(),
          ),
        ]),
      ),
    );
    expect(gateway.isReady()).toBe(true);
    port = gateway.listeners.boundPort('0.0.0.0_8443')!;
  });

  afterAll(async () => {
    await gateway.close();
    await Promise.all([httpbin.stop(), v1.stop(), v2.stop()]);
    await pki.cleanup();
  });

  const get = (host: string, path: string, more: Partial<Parameters<typeof curl>[0]> = {}) =>
    curl({ host, port, path, cacert: ca.certFile, ...more });

  it('serves each host with its own certificate over HTTP/2 and HTTP/1.1', async () => {
    const h2 = await get('httpbin.example.com', '/status/418', { http: '2' });
    expect(h2).toMatchObject({ exitCode: 0, status: 418, httpVersion: '2', body: "I'm a teapot" });
    expect(h2.trace).toMatch(/subject: CN=httpbin/);
    const h1 = await get('helloworld.example.com', '/hello', { http: '1.1' });
    expect(h1).toMatchObject({ exitCode: 0, status: 200, httpVersion: '1.1' });
    expect(h1.trace).toMatch(/subject: CN=helloworld/);
    expect(h1.trace).toMatch(/ALPN.*http\/1.1/);
  });

  it('picks wildcard server names', async () => {
    const r = await get('eu.hello.example.com', '/hello', { hostHeader: 'eu.hello.example.com' });
    expect(r.status).toBe(200);
    expect(r.trace).toMatch(/subject: CN=helloworld/);
  });

  it('refuses a TLS connection no chain serves', async () => {
    const r = await get('unknown.example.com', '/', { extra: ['-k'] });
    expect(r.exitCode).not.toBe(0);
    expect(r.status).toBe(0);
  });

  it('answers 404 when no route matches and 421 for a host the connection does not serve', async () => {
    expect((await get('httpbin.example.com', '/nothing-here')).status).toBe(404);
    const misdirected = await get('httpbin.example.com', '/hello', { hostHeader: 'helloworld.example.com' });
    expect(misdirected.status).toBe(421);
    expect(
      (await get('httpbin.example.com', '/get', { hostHeader: 'httpbin.example.com:8443' })).status,
    ).toBe(200);
  });

  it('routes by header, rewrites prefixes and regex matches, and sets forwarding headers', async () => {
    const canary = await get('httpbin.example.com', '/headers', { headers: { 'x-canary': 'yes' } });
    expect(canary.headers['x-upstream']).toBe('v2');
    const plain = JSON.parse((await get('httpbin.example.com', '/headers?a=1')).body);
    expect(plain).toMatchObject({
      upstream: 'httpbin',
      url: '/headers?a=1',
      host: `httpbin.example.com:${port}`,
    });
    expect(plain.headers['x-forwarded-proto']).toBe('https');
    expect(plain.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(plain.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const rewritten = JSON.parse((await get('httpbin.example.com', '/old/page?q=2')).body);
    expect(rewritten.url).toBe('/new/page?q=2');
    expect(rewritten.headers['x-envoy-original-path']).toBe('/old/page?q=2');
    expect(JSON.parse((await get('httpbin.example.com', '/anything/42')).body).url).toBe('/rewritten/');
  });

  it('redirects and answers directly', async () => {
    const moved = await get('httpbin.example.com', '/moved?x=1');
    expect(moved.status).toBe(302);
    expect(moved.headers.location).toBe(`https://httpbin.example.com:${port}/new-home?x=1`);
    const teapot = await get('httpbin.example.com', '/teapot');
    expect(teapot).toMatchObject({ status: 418, body: 'short and stout' });
  });

  it('splits weighted traffic across both versions', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 12 && seen.size < 2; i++)
      seen.add((await get('helloworld.example.com', '/hello')).headers['x-upstream']);
    expect(seen).toEqual(new Set(['v1', 'v2']));
  });

  it('times out slow upstreams with 504 and fails unreachable ones with 503', async () => {
    const slow = await get('httpbin.example.com', '/slow/2000');
    expect(slow).toMatchObject({ status: 504, body: 'upstream request timeout' });
    const down = await get('httpbin.example.com', '/down');
    expect(down.status).toBe(503);
    expect(down.body).toMatch(/upstream connect error/);
    expect((await get('httpbin.example.com', '/unknown-cluster')).status).toBe(503);
  });

  it('retries 5xx answers', async () => {
    httpbin.failNext = { count: 2, status: 503 };
    const r = await get('httpbin.example.com', '/flaky');
    expect(r.status).toBe(200);
    expect(httpbin.failNext.count).toBe(0);
  });

  it('reuses upstream connections (keep-alive pool)', async () => {
    const before = httpbin.connections;
    for (let i = 0; i < 5; i++) expect((await get('httpbin.example.com', '/get')).status).toBe(200);
    expect(httpbin.connections - before).toBeLessThanOrEqual(1);
  });

  it('applies RDS changes to live listeners', async () => {
    const result = await gateway.onUpdate(
      R.update(TypeUrl.RouteConfiguration, 'r2', [
        R.routeConfiguration('https.443.https-helloworld.mygateway.istio-system', [
          R.virtualHost(
            'helloworld',
            ['helloworld.example.com', 'helloworld.example.com:*'],
            [R.routeTo('/hello', HELLO_V1)],
          ),
        ]),
      ]),
    );
    expect(result).toEqual({ ok: true });
    for (let i = 0; i < 4; i++)
      expect((await get('helloworld.example.com', '/hello')).headers['x-upstream']).toBe('v1');
  });
});
