import { X509Certificate } from 'node:crypto';
import { ExtensionTypeUrl } from '#keyway/envoy-api';
import { HealthRegistry, OpsServer } from '#keyway/observability';
import type { Registry } from 'prom-client';
import { Gateway } from '../gateway.js';
import { curl } from '../testing/curl.js';
import * as R from '../testing/envoy-resources.js';
import { testGateway } from '../testing/gateway-harness.js';
import { TestPki, type IssuedCertificate, type TestAuthority } from '../testing/openssl-pki.js';
import { UpstreamServer } from '../testing/upstream-server.js';
import { adminRoutes } from './admin-routes.js';

const { TypeUrl } = R;
const CLUSTER = 'outbound|8000||httpbin.default.svc.cluster.local';
const ROUTES = 'https.443.https.mygateway.istio-system';

describe('admin endpoints', () => {
  let pki: TestPki;
  let ca: TestAuthority;
  let cert: IssuedCertificate;
  let inlineCert: IssuedCertificate;
  let gateway: Gateway;
  let registry: Registry;
  let ops: OpsServer;
  let adminPort: number;
  const upstream = new UpstreamServer('httpbin');

  beforeAll(async () => {
    pki = await TestPki.create();
    ca = await pki.authority('example-ca');
    cert = await pki.issue(ca, 'httpbin', {
      sans: ['DNS:httpbin.example.com', 'DNS:www.httpbin.example.com'],
      usage: 'server',
    });
    inlineCert = await pki.issue(ca, 'inline', { sans: ['DNS:inline.example.com'], usage: 'server' });
    await upstream.start();
    ({ gateway, registry } = testGateway());
    ops = new OpsServer({
      port: 0,
      health: new HealthRegistry(),
      metrics: registry,
      routes: adminRoutes(gateway, registry),
    });
    adminPort = await ops.start();
  });

  afterAll(async () => {
    await ops.stop();
    await gateway.close();
    await upstream.stop();
    await pki.cleanup();
  });

  const admin = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${adminPort}${path}`);
    return { status: res.status, text: await res.text() };
  };

  it('is not ready before LDS and CDS, and LIVE once every listener is warm', async () => {
    expect(await admin('/ready')).toEqual({ status: 503, text: 'PRE_INITIALIZING\n' });
    const inlineChain = {
      filter_chain_match: { server_names: ['inline.example.com'] },
      transport_socket: {
        name: 'envoy.transport_sockets.tls',
        typed_config: {
          '@type': ExtensionTypeUrl.DownstreamTlsContext,
          common_tls_context: {
            tls_certificates: [
              {
                certificate_chain: { inline_string: inlineCert.certificateChain },
                private_key: { inline_string: inlineCert.privateKey.reveal() },
              },
            ],
          },
        },
      },
      filters: R.tlsChain({ serverNames: [], secret: 'x', mode: 'SIMPLE', routeName: ROUTES }).filters,
    };
    for (const u of [
      R.update(TypeUrl.Cluster, 'c1', [R.staticCluster(CLUSTER, [['127.0.0.1', upstream.port]])]),
      R.update(TypeUrl.Listener, 'l1', [
        R.listener('0.0.0.0_8443', 443, [
          R.tlsChain({
            serverNames: ['httpbin.example.com'],
            secret: 'kubernetes://httpbin-credential',
            mode: 'SIMPLE',
            routeName: ROUTES,
          }),
          inlineChain,
        ]),
      ]),
      R.update(TypeUrl.RouteConfiguration, 'r1', [
        R.routeConfiguration(ROUTES, [R.virtualHost('all', ['*'], [R.routeTo('/', CLUSTER)])]),
      ]),
    ]) {
      expect(await gateway.onUpdate(u)).toEqual({ ok: true });
    }
    expect((await admin('/ready')).status).toBe(503);
    expect(
      await gateway.onUpdate(
        R.update(TypeUrl.Secret, 's1', [
          R.tlsCertificateSecret(
            'kubernetes://httpbin-credential',
            cert.certificateChain,
            cert.privateKey.reveal(),
          ),
        ]),
      ),
    ).toEqual({ ok: true });
    expect(await admin('/ready')).toEqual({ status: 200, text: 'LIVE\n' });
  });

  it('dumps the configuration without any private key', async () => {
    const dump = await admin('/config_dump');
    expect(dump.status).toBe(200);
    expect(dump.text).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
    const body = JSON.parse(dump.text);
    expect(body.listeners.state[0]).toMatchObject({ name: '0.0.0.0_8443', state: 'active' });
    expect(body.secrets[0]).toMatchObject({
      name: 'kubernetes://httpbin-credential',
      kind: 'tls-certificate',
      private_key: '[redacted]',
    });
    const inline =
      body.listeners.resources[0].resource.filter_chains[1].transport_socket.typed_config.common_tls_context
        .tls_certificates[0];
    expect(inline.private_key).toBe('[REDACTED PRIVATE KEY]');
    expect(body.routes[0].name).toBe(ROUTES);
  });

  it('lists served certificates with serial, SANs and expiry', async () => {
    const x509 = new X509Certificate(cert.certificateChain);
    const certs = JSON.parse((await admin('/certs')).text).certificates;
    expect(certs).toEqual([
      expect.objectContaining({
        name: 'kubernetes://httpbin-credential',
        serial: x509.serialNumber.toLowerCase(),
        sans: ['DNS:httpbin.example.com', 'DNS:www.httpbin.example.com'],
        notAfter: new Date(x509.validTo).toISOString(),
        days_until_expiration: expect.any(Number),
      }),
    ]);
  });

  it('exposes Prometheus stats', async () => {
    const port = gateway.listeners.boundPort('0.0.0.0_8443')!;
    expect(
      (await curl({ host: 'httpbin.example.com', port, path: '/get', cacert: ca.certFile })).status,
    ).toBe(200);
    expect((await curl({ host: 'inline.example.com', port, path: '/get', cacert: ca.certFile })).status).toBe(
      200,
    );
    const stats = await admin('/stats');
    expect(stats.status).toBe(200);
    expect(stats.text).toMatch(/keyway_gateway_downstream_rq_total\{listener="0.0.0.0_8443",code="200"\} 2/);
    expect(stats.text).toMatch(
      /keyway_gateway_upstream_rq_total\{cluster="outbound\|8000\|\|httpbin.default.svc.cluster.local",code="200"\} 2/,
    );
    expect(stats.text).toMatch(
      /keyway_gateway_certificate_expiry_timestamp_seconds\{secret="kubernetes:\/\/httpbin-credential"\} \d+/,
    );
    expect(stats.text).toMatch(/keyway_gateway_xds_update_total\{type="sds",result="ack"\} 1/);
  });

  it('reports its one data plane worker and the connections it accepted', async () => {
    const { workers } = JSON.parse((await admin('/workers')).text);
    expect(workers).toEqual([
      { index: 0, pid: process.pid, ready: true, connections: expect.any(Number), answered: true },
    ]);
    // The two curl requests of the stats case, at least.
    expect(workers[0].connections).toBeGreaterThanOrEqual(2);
  });
});
