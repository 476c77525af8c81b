import type { Registry } from 'prom-client';
import { Gateway } from '../gateway.js';
import { curl } from '../testing/curl.js';
import * as R from '../testing/envoy-resources.js';
import { testGateway } from '../testing/gateway-harness.js';
import { TestPki, type IssuedCertificate, type TestAuthority } from '../testing/openssl-pki.js';
import { UpstreamServer } from '../testing/upstream-server.js';

const { TypeUrl } = R;
const CLUSTER = 'outbound|8000||httpbin.default.svc.cluster.local';
const ROUTES = 'https.443.https.mygateway.istio-system';

describe('client certificates per filter chain', () => {
  let pki: TestPki;
  let ca: TestAuthority;
  let clients: Record<'good' | 'revoked' | 'wrongSan' | 'foreign', IssuedCertificate>;
  let gateway: Gateway;
  let registry: Registry;
  let port: number;
  const upstream = new UpstreamServer('httpbin');

  beforeAll(async () => {
    pki = await TestPki.create();
    ca = await pki.authority('example-ca');
    const other = await pki.authority('other-ca');
    const server = await pki.issue(ca, 'server', {
      sans: ['DNS:mtls.example.com', 'DNS:optional.example.com', 'DNS:simple.example.com'],
      usage: 'server',
    });
    clients = {
      good: await pki.issue(ca, 'good-client', {
        sans: ['URI:spiffe://example.com/ns/default/sa/client'],
        usage: 'client',
      }),
      revoked: await pki.issue(ca, 'revoked-client', {
        sans: ['URI:spiffe://example.com/ns/default/sa/client'],
        usage: 'client',
      }),
      wrongSan: await pki.issue(ca, 'wrong-san-client', {
        sans: ['URI:spiffe://example.com/ns/default/sa/intruder'],
        usage: 'client',
      }),
      foreign: await pki.issue(other, 'foreign-client', {
        sans: ['URI:spiffe://example.com/ns/default/sa/client'],
        usage: 'client',
      }),
    };
    await pki.revoke(ca, clients.revoked);
    const crl = await pki.crl(ca);
    await upstream.start();
    ({ gateway, registry } = testGateway());
    const san = [{ exact: 'spiffe://example.com/ns/default/sa/client' }];
    const updates = [
      R.update(TypeUrl.Cluster, 'c1', [R.staticCluster(CLUSTER, [['127.0.0.1', upstream.port]])]),
      R.update(TypeUrl.Listener, 'l1', [
        R.listener('0.0.0.0_8443', 443, [
          R.tlsChain({
            serverNames: ['mtls.example.com'],
            secret: 'kubernetes://mtls-credential',
            mode: 'MUTUAL',
            routeName: ROUTES,
            subjectAltNames: san,
          }),
          R.tlsChain({
            serverNames: ['optional.example.com'],
            secret: 'kubernetes://optional-credential',
            mode: 'OPTIONAL_MUTUAL',
            routeName: ROUTES,
          }),
          R.tlsChain({
            serverNames: ['simple.example.com'],
            secret: 'kubernetes://simple-credential',
            mode: 'SIMPLE',
            routeName: ROUTES,
          }),
        ]),
      ]),
      R.update(TypeUrl.RouteConfiguration, 'r1', [
        R.routeConfiguration(ROUTES, [R.virtualHost('all', ['*'], [R.routeTo('/', CLUSTER)])]),
      ]),
      R.update(TypeUrl.Secret, 's1', [
        ...['mtls', 'optional', 'simple'].map((n) =>
          R.tlsCertificateSecret(
            `kubernetes://${n}-credential`,
            server.certificateChain,
            server.privateKey.reveal(),
          ),
        ),
        R.validationSecret('kubernetes://mtls-credential-cacert', ca.certificate, crl),
        R.validationSecret('kubernetes://optional-credential-cacert', ca.certificate),
      ]),
    ];
    for (const u of updates) expect(await gateway.onUpdate(u)).toEqual({ ok: true });
    expect(gateway.isReady()).toBe(true);
    port = gateway.listeners.boundPort('0.0.0.0_8443')!;
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.stop();
    await pki.cleanup();
  });

  const get = (host: string, client?: IssuedCertificate) =>
    curl({
      host,
      port,
      path: '/get',
      cacert: ca.certFile,
      ...(client ? { cert: client.certFile, key: client.keyFile } : {}),
    });
  const refused = (r: { exitCode: number; status: number }) => r.exitCode !== 0 && r.status === 0;

  it('MUTUAL: serves a trusted client whose SAN matches', async () => {
    const r = await get('mtls.example.com', clients.good);
    expect(r.status).toBe(200);
    expect(r.trace).toMatch(/Request CERT/);
  });

  it('MUTUAL: refuses no certificate, a foreign CA, a revoked certificate and a SAN mismatch', async () => {
    expect(refused(await get('mtls.example.com'))).toBe(true);
    expect(refused(await get('mtls.example.com', clients.foreign))).toBe(true);
    expect(refused(await get('mtls.example.com', clients.revoked))).toBe(true);
    expect(refused(await get('mtls.example.com', clients.wrongSan))).toBe(true);
  });

  it('OPTIONAL_MUTUAL: serves without a certificate, verifies one that is presented', async () => {
    expect((await get('optional.example.com')).status).toBe(200);
    expect((await get('optional.example.com', clients.good)).status).toBe(200);
    expect(refused(await get('optional.example.com', clients.foreign))).toBe(true);
  });

  it('SIMPLE: never asks for a client certificate', async () => {
    const r = await get('simple.example.com');
    expect(r.status).toBe(200);
    expect(r.trace).not.toMatch(/Request CERT/);
  });

  it('counts refused client certificates', async () => {
    const stats = await registry.metrics();
    expect(stats).toMatch(
      /keyway_gateway_ssl_connection_error_total\{listener="0.0.0.0_8443",chain="0",reason="client certificate SAN does not match"\} [1-9]/,
    );
  });
});
