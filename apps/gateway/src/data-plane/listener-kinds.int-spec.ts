import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Gateway } from '../gateway.js';
import { curl } from '../testing/curl.js';
import * as R from '../testing/envoy-resources.js';
import { testGateway } from '../testing/gateway-harness.js';
import { TestPki, type TestAuthority } from '../testing/openssl-pki.js';
import { UpstreamServer } from '../testing/upstream-server.js';

const { TypeUrl, TlsVersion } = R;
const HTTPBIN = 'outbound|8000||httpbin.default.svc.cluster.local';
const PASSTHROUGH = 'outbound|443||nginx.default.svc.cluster.local';
const ROUTES = 'https.443.https.mygateway.istio-system';

describe('passthrough, plain HTTP and TLS parameters', () => {
  let pki: TestPki;
  let ca: TestAuthority;
  let gateway: Gateway;
  let tlsPort: number;
  let httpPort: number;
  let passthroughUpstream: https.Server;
  const upstream = new UpstreamServer('httpbin');

  beforeAll(async () => {
    pki = await TestPki.create();
    ca = await pki.authority('example-ca');
    const server = await pki.issue(ca, 'gateway', {
      sans: ['DNS:modern.example.com', 'DNS:legacy.example.com', 'DNS:h1.example.com'],
      usage: 'server',
    });
    const backend = await pki.issue(ca, 'nginx-backend', {
      sans: ['DNS:nginx.example.com'],
      usage: 'server',
    });
    passthroughUpstream = https.createServer(
      { cert: backend.certificateChain, key: backend.privateKey.reveal() },
      (_req, res) => res.end('terminated by the backend'),
    );
    await new Promise<void>((resolve) => passthroughUpstream.listen(0, '127.0.0.1', () => resolve()));
    await upstream.start();
    gateway = testGateway().gateway;
    const secret = 'kubernetes://gateway-credential';
    for (const u of [
      R.update(TypeUrl.Cluster, 'c1', [
        R.staticCluster(HTTPBIN, [['127.0.0.1', upstream.port]]),
        R.staticCluster(PASSTHROUGH, [['127.0.0.1', (passthroughUpstream.address() as AddressInfo).port]]),
      ]),
      R.update(TypeUrl.Listener, 'l1', [
        R.listener('0.0.0.0_8443', 443, [
          R.passthroughChain(['nginx.example.com'], PASSTHROUGH),
          R.tlsChain({
            serverNames: ['modern.example.com'],
            secret,
            mode: 'SIMPLE',
            routeName: ROUTES,
            tlsParams: { tls_minimum_protocol_version: TlsVersion.TLSv1_3 },
          }),
          R.tlsChain({
            serverNames: ['legacy.example.com'],
            secret,
            mode: 'SIMPLE',
            routeName: ROUTES,
            tlsParams: {
              tls_maximum_protocol_version: TlsVersion.TLSv1_2,
              cipher_suites: ['ECDHE-ECDSA-AES128-GCM-SHA256'],
            },
          }),
          R.tlsChain({
            serverNames: ['h1.example.com'],
            secret,
            mode: 'SIMPLE',
            routeName: ROUTES,
            alpn: ['http/1.1'],
          }),
        ]),
        R.plainHttpListener('0.0.0.0_8080', 80, 'http.8080'),
      ]),
      R.update(TypeUrl.RouteConfiguration, 'r1', [
        R.routeConfiguration(ROUTES, [R.virtualHost('all', ['*'], [R.routeTo('/', HTTPBIN)])]),
        R.routeConfiguration('http.8080', [
          R.virtualHost(
            'httpbin.example.com:80',
            ['httpbin.example.com', 'httpbin.example.com:*'],
            [{ match: { prefix: '/' }, redirect: { https_redirect: true } }],
          ),
          R.virtualHost(
            'plain.example.com:80',
            ['plain.example.com', 'plain.example.com:*'],
            [R.routeTo('/', HTTPBIN)],
          ),
        ]),
      ]),
      R.update(TypeUrl.Secret, 's1', [
        R.tlsCertificateSecret(secret, server.certificateChain, server.privateKey.reveal()),
      ]),
    ]) {
      expect(await gateway.onUpdate(u)).toEqual({ ok: true });
    }
    expect(gateway.isReady()).toBe(true);
    tlsPort = gateway.listeners.boundPort('0.0.0.0_8443')!;
    httpPort = gateway.listeners.boundPort('0.0.0.0_8080')!;
  });

  afterAll(async () => {
    await gateway.close();
    passthroughUpstream.closeAllConnections();
    await new Promise((resolve) => passthroughUpstream.close(resolve));
    await upstream.stop();
    await pki.cleanup();
  });

  it('passes TLS through by SNI to the backend, which presents its own certificate', async () => {
    const r = await curl({ host: 'nginx.example.com', port: tlsPort, cacert: ca.certFile });
    expect(r).toMatchObject({ exitCode: 0, status: 200, body: 'terminated by the backend' });
    expect(r.trace).toMatch(/subject: CN=nginx-backend/);
  });

  it('serves plain HTTP and redirects to https', async () => {
    const redirect = await curl({
      scheme: 'http',
      host: 'httpbin.example.com',
      port: httpPort,
      path: '/status/200?x=1',
    });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe(`https://httpbin.example.com:${httpPort}/status/200?x=1`);
    const plain = await curl({ scheme: 'http', host: 'plain.example.com', port: httpPort, path: '/get' });
    expect(plain.status).toBe(200);
    expect(JSON.parse(plain.body).headers['x-forwarded-proto']).toBe('http');
  });

  it('enforces minimum TLS versions', async () => {
    expect(
      (
        await curl({
          host: 'modern.example.com',
          port: tlsPort,
          cacert: ca.certFile,
          extra: ['--tls-max', '1.2'],
        })
      ).status,
    ).toBe(0);
    const ok = await curl({ host: 'modern.example.com', port: tlsPort, cacert: ca.certFile });
    expect(ok.status).toBe(200);
    expect(ok.trace).toMatch(/SSL connection using TLSv1\.3/);
  });

  it('enforces maximum TLS versions and cipher suites', async () => {
    const ok = await curl({ host: 'legacy.example.com', port: tlsPort, cacert: ca.certFile });
    expect(ok.status).toBe(200);
    expect(ok.trace).toMatch(/SSL connection using TLSv1\.2 \/ ECDHE-ECDSA-AES128-GCM-SHA256/);
    const wrongCipher = await curl({
      host: 'legacy.example.com',
      port: tlsPort,
      cacert: ca.certFile,
      extra: ['--tlsv1.2', '--ciphers', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
    });
    expect(wrongCipher.status).toBe(0);
  });

  it('negotiates only the ALPN protocols the chain lists', async () => {
    const r = await curl({ host: 'h1.example.com', port: tlsPort, cacert: ca.certFile, http: '2' });
    expect(r).toMatchObject({ status: 200, httpVersion: '1.1' });
    const h2 = await curl({ host: 'modern.example.com', port: tlsPort, cacert: ca.certFile, http: '2' });
    expect(h2.httpVersion).toBe('2');
  });
});
