import { Writable } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { createLogger } from '#keyway/observability';
import { waitFor } from '#keyway/testing';
import { gatewayConfig } from './config.js';
import { GATEWAY_RUNTIME, GatewayModule } from './gateway.module.js';
import type { GatewayRuntime } from './gateway-runtime.js';
import { curl } from './testing/curl.js';
import * as R from './testing/envoy-resources.js';
import { TestPki, type IssuedCertificate, type TestAuthority } from './testing/openssl-pki.js';
import { SnapshotAdsServer } from './testing/snapshot-ads-server.js';
import { UpstreamServer } from './testing/upstream-server.js';

const { TypeUrl } = R;
const CLUSTER = 'outbound|8000||httpbin.default.svc.cluster.local';
const ROUTES = 'https.443.https.mygateway.istio-system';
const SECRET = 'kubernetes://httpbin-credential';
const TOKEN = 'istio-system-bootstrap-token';

describe('gateway app over a real ADS stream', () => {
  let pki: TestPki;
  let ca: TestAuthority;
  let v1: IssuedCertificate;
  let v2: IssuedCertificate;
  let ads: SnapshotAdsServer;
  let adsPort: number;
  let app: INestApplicationContext | undefined;
  let runtime: GatewayRuntime;
  const upstream = new UpstreamServer('httpbin');

  const boot = async (adsPort: number, token: string) => {
    const config = gatewayConfig.load({
      XDS_ADDRESS: `127.0.0.1:${adsPort}`,
      XDS_TOKEN: token,
      OPS_PORT: '0',
      GATEWAY_PORT_MAP: '443:0,80:0',
      GATEWAY_BIND_ADDRESS: '127.0.0.1',
      XDS_BACKOFF_INITIAL_MS: '20',
      XDS_BACKOFF_MAX_MS: '100',
      LOG_LEVEL: 'silent',
      // The data plane in this process (workers are forked from the built main module; see gateway-workers.int-spec).
      GATEWAY_WORKERS: '1',
    });
    const logger = createLogger({
      service: 'gateway',
      level: 'silent',
      destination: new Writable({ write: (_c, _e, done) => done() }),
    });
    app = await NestFactory.createApplicationContext(GatewayModule.register(config, logger), {
      logger: false,
    });
    app.enableShutdownHooks();
    runtime = app.get<GatewayRuntime>(GATEWAY_RUNTIME);
  };
  const admin = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${runtime.adminPort}${path}`);
    return { status: res.status, text: await res.text() };
  };
  const get = (path = '/get') =>
    curl({
      host: 'httpbin.example.com',
      port: runtime.gateway.listeners.boundPort('0.0.0.0_8443')!,
      path,
      cacert: ca.certFile,
    });

  beforeAll(async () => {
    pki = await TestPki.create();
    ca = await pki.authority('example-ca');
    v1 = await pki.issue(ca, 'httpbin-v1', { sans: ['DNS:httpbin.example.com'], usage: 'server' });
    v2 = await pki.issue(ca, 'httpbin-v2', { sans: ['DNS:httpbin.example.com'], usage: 'server' });
    await upstream.start();
  });

  afterAll(async () => {
    await upstream.stop();
    await pki.cleanup();
  });

  beforeEach(async () => {
    ads = new SnapshotAdsServer(TOKEN);
    adsPort = await ads.start();
    ads.set(TypeUrl.Cluster, 'c1', [R.edsCluster(CLUSTER)]);
    ads.set(TypeUrl.ClusterLoadAssignment, 'e1', [R.loadAssignment(CLUSTER, [['127.0.0.1', upstream.port]])]);
    ads.set(TypeUrl.Listener, 'l1', [
      R.listener('0.0.0.0_8443', 443, [
        R.tlsChain({
          serverNames: ['httpbin.example.com'],
          secret: SECRET,
          mode: 'SIMPLE',
          routeName: ROUTES,
        }),
      ]),
    ]);
    ads.set(TypeUrl.RouteConfiguration, 'r1', [
      R.routeConfiguration(ROUTES, [
        R.virtualHost('httpbin', ['httpbin.example.com', 'httpbin.example.com:*'], [R.routeTo('/', CLUSTER)]),
      ]),
    ]);
    ads.set(TypeUrl.Secret, 's1', [
      R.tlsCertificateSecret(SECRET, v1.certificateChain, v1.privateKey.reveal()),
    ]);
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await ads.stop();
  });

  it('gets its whole configuration over ADS, ACKs every type and serves', async () => {
    await boot(adsPort, TOKEN);
    await waitFor(async () => (await admin('/ready')).status === 200, { what: '/ready LIVE' });
    const node = ads.nodes[0] as { id: string; metadata: { fields: Record<string, any> } };
    expect(node.id).toBe(
      'router~127.0.0.1~istio-ingressgateway-local-0.istio-system~istio-system.svc.cluster.local',
    );
    expect(node.metadata.fields.NAMESPACE.stringValue).toBe('istio-system');
    expect(node.metadata.fields.LABELS.structValue.fields.istio.stringValue).toBe('ingressgateway');
    const r = await get();
    expect(r).toMatchObject({ status: 200, httpVersion: '2' });
    expect(r.trace).toMatch(/subject: CN=httpbin-v1/);
    await waitFor(() => ads.verdicts.length >= 5, { what: 'five ACKs' });
    expect(ads.verdicts.filter((v) => v.error)).toEqual([]);
    expect(new Set(ads.verdicts.map((v) => `${v.typeUrl}@${v.version}`))).toEqual(
      new Set([
        `${TypeUrl.Cluster}@c1`,
        `${TypeUrl.ClusterLoadAssignment}@e1`,
        `${TypeUrl.Listener}@l1`,
        `${TypeUrl.RouteConfiguration}@r1`,
        `${TypeUrl.Secret}@s1`,
      ]),
    );
    expect((await admin('/readyz')).status).toBe(200);
  });

  it('NACKs a bad update with the reason and keeps serving the last good one; rotates secrets live', async () => {
    await boot(adsPort, TOKEN);
    await waitFor(async () => (await admin('/ready')).status === 200, { what: '/ready LIVE' });
    ads.set(TypeUrl.RouteConfiguration, 'r2', [
      R.routeConfiguration(ROUTES, [
        R.virtualHost(
          'httpbin',
          ['httpbin.example.com'],
          [{ match: { safe_regex: { regex: '/(' } }, route: { cluster: CLUSTER } }],
        ),
      ]),
    ]);
    const nack = await waitFor(() => ads.verdicts.find((v) => v.version === 'r2'), { what: 'verdict on r2' });
    expect(nack.error).toMatch(
      new RegExp(
        `^RouteConfiguration/${ROUTES}: virtual_hosts\\[0\\]\\.routes\\[0\\]\\.match\\.safe_regex\\.regex: invalid regex`,
      ),
    );
    expect((await get()).status).toBe(200);
    const dump = JSON.parse((await admin('/config_dump')).text);
    expect(dump.routes[0].version).toBe('r1');
    expect(dump.xds.find((s: { typeUrl: string }) => s.typeUrl === TypeUrl.RouteConfiguration)).toMatchObject(
      { ackedVersion: 'r1', lastError: nack.error },
    );

    ads.set(TypeUrl.Secret, 's2', [
      R.tlsCertificateSecret(SECRET, v2.certificateChain, v2.privateKey.reveal()),
    ]);
    await waitFor(() => ads.verdicts.find((v) => v.version === 's2' && !v.error), { what: 'ACK of s2' });
    expect((await get()).trace).toMatch(/subject: CN=httpbin-v2/);
  });

  it('keeps serving while the control plane is away and resumes on reconnect', async () => {
    await boot(adsPort, TOKEN);
    await waitFor(async () => (await admin('/ready')).status === 200, { what: '/ready LIVE' });
    ads.breakStreams();
    expect((await get()).status).toBe(200);
    await waitFor(() => ads.streamsOpened >= 2, { what: 'reconnect' });
    ads.set(TypeUrl.RouteConfiguration, 'r3', [
      R.routeConfiguration(ROUTES, [
        R.virtualHost(
          'httpbin',
          ['httpbin.example.com', 'httpbin.example.com:*'],
          [{ match: { prefix: '/' }, direct_response: { status: 204 } }],
        ),
      ]),
    ]);
    await waitFor(async () => (await get()).status === 204, { what: 'r3 applied after reconnect' });
  });

  it('reports an unauthorized control plane connection as not ready', async () => {
    await boot(adsPort, 'wrong-token');
    await waitFor(
      async () => {
        const readyz = await admin('/readyz');
        return readyz.status === 503 && JSON.parse(readyz.text).checks.xds.ok === false;
      },
      { what: 'xds check failing' },
    );
    expect((await admin('/ready')).status).toBe(503);
    expect(ads.streamsOpened).toBe(0);
  });
});
