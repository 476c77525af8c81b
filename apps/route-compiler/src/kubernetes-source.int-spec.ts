import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  Buckets,
  credentialKey,
  proxyGroupId,
  proxyKey,
  proxyRecord,
  xdsResourceRecord,
} from '#keyway/contracts';
import { decodeMessage, TypeUrl } from '#keyway/envoy-api';
import { connectNats, natsTransport, provisionKeywayBucket, TypedBucket } from '#keyway/messaging';
import { createLogger } from '#keyway/observability';
import {
  createThrowawayDatabase,
  privateNats,
  SimulatedKubernetesApi,
  waitFor,
  type PrivateNats,
  type ThrowawayDatabase,
} from '#keyway/testing';
import { routeCompilerConfig } from './config.js';
import { KUBERNETES_RESOURCES } from './kubernetes-source.js';
import { RouteCompilerModule } from './route-compiler.module.js';
import { ROUTING_SERVICE } from './routing.handler.js';
import type { RoutingService } from './routing-service.js';

const suffix = randomBytes(3).toString('hex');
const tokenDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-rc-kube-'));
const tokenFile = path.join(tokenDir, 'token');
const namespace = `k-${suffix}`;
const labels = { istio: `kube-${suffix}` };
const groupId = proxyGroupId(namespace, labels);
const nodeId = `router~10.0.0.8~gw-${suffix}.${namespace}~${namespace}.svc.cluster.local`;
const apiPath = (kind: string) => KUBERNETES_RESOURCES.find((r) => r.kind === kind)!.path;
const referenceGrantsPath = '/apis/gateway.networking.k8s.io/v1beta1/referencegrants';
const slice = (address: string) => ({
  metadata: { name: 'httpbin-x1', namespace, labels: { 'kubernetes.io/service-name': 'httpbin' } },
  addressType: 'IPv4',
  ports: [{ name: 'http', port: 8080 }],
  endpoints: [{ addresses: [address], conditions: { ready: true } }],
});

let api: SimulatedKubernetesApi;
let db: ThrowawayDatabase;
let app: INestMicroservice;
let nc: NatsConnection;
let snapshots: TypedBucket<typeof xdsResourceRecord>;
let proxies: TypedBucket<typeof proxyRecord>;

async function records(): Promise<Map<string, { version: string; resource: string }>> {
  const out = new Map<string, { version: string; resource: string }>();
  for (const key of await snapshots.keys(`${groupId}.>`)) {
    const r = await snapshots.get(key);
    if (r) out.set(`${r.typeUrl} ${r.name}`, r);
  }
  return out;
}

// A private NATS server: the shared one may carry a running route-compiler (npm start) that would
// answer keyway.routing.* requests and publish this test's group from its own store.
let nats: PrivateNats;

beforeAll(async () => {
  nats = await privateNats('keyway-rc-nats');
  const natsUrl = nats.url;
  api = new SimulatedKubernetesApi();
  api.put(apiPath('Gateway'), {
    metadata: { name: 'gw', namespace },
    spec: {
      selector: labels,
      servers: [
        {
          port: { number: 443, name: 'https', protocol: 'HTTPS' },
          tls: { mode: 'SIMPLE', credentialName: 'cred' },
          hosts: ['kube.example.com'],
        },
      ],
    },
  });
  api.put(apiPath('VirtualService'), {
    metadata: { name: 'vs', namespace },
    spec: {
      hosts: ['kube.example.com'],
      gateways: ['gw'],
      http: [{ route: [{ destination: { host: 'httpbin', port: { number: 8000 } } }] }],
    },
  });
  api.put(apiPath('Service'), {
    metadata: { name: 'httpbin', namespace },
    spec: { ports: [{ name: 'http', port: 8000, targetPort: 8080 }] },
  });
  api.put(apiPath('EndpointSlice'), slice('10.1.0.1'));
  // Gateway API's ReferenceGrant: Gateways of this namespace may use a Secret of another one.
  api.put(referenceGrantsPath, {
    metadata: { name: 'let-gateways-in', namespace: `${namespace}-certs` },
    spec: {
      from: [{ group: 'networking.istio.io', kind: 'Gateway', namespace }],
      to: [{ group: '', kind: 'Secret', name: 'shared-cert' }],
    },
  });
  // As in a pod: a service account token the API server requires, in a file that kubelet rotates.
  api.token = 'token-1';
  fs.writeFileSync(tokenFile, 'token-1\n');
  await api.start();
  const url = api.url;
  db = await createThrowawayDatabase('keyway_route_compiler_kube');
  const config = routeCompilerConfig.load({
    NATS_URL: natsUrl,
    DATABASE_URL: db.url,
    OPS_PORT: '0',
    LOG_LEVEL: 'silent',
    KUBERNETES_API_URL: url,
    KUBERNETES_TOKEN_FILE: tokenFile,
    ROUTE_DEBOUNCE_MS: '10',
  });
  const logger = createLogger({ service: 'route-compiler', level: 'silent', format: 'json' });
  app = await NestFactory.createMicroservice(
    RouteCompilerModule.register(config, logger, { proxyNamespace: namespace, withoutOpsServer: true }),
    { ...natsTransport({ url: config.NATS_URL, queue: `route-compiler-kube-${suffix}` }), logger: false },
  );
  await app.listen();
  nc = await connectNats({ url: config.NATS_URL, name: `route-compiler-kube-test-${suffix}` });
  snapshots = new TypedBucket(await provisionKeywayBucket(nc, Buckets.xdsSnapshots), xdsResourceRecord);
  proxies = new TypedBucket(await provisionKeywayBucket(nc, Buckets.proxies), proxyRecord);
  // The Gateway's credential exists (a placeholder value: the route-compiler reads only keys).
  await (await provisionKeywayBucket(nc, Buckets.credentials)).put(credentialKey(namespace, 'cred'), '{}');
}, 60_000);

afterAll(async () => {
  await proxies?.delete(proxyKey(nodeId));
  await app?.close();
  for (const key of (await snapshots?.keys(`${groupId}.>`)) ?? []) await snapshots.delete(key);
  await nc?.drain();
  await db?.drop();
  await nats?.stop();
  await api?.stop();
  fs.rmSync(tokenDir, { recursive: true, force: true });
});

describe('Kubernetes source (simulated API server)', () => {
  it('compiles listed resources with EndpointSlice endpoints and follows watch events', async () => {
    await proxies.put(proxyKey(nodeId), {
      schemaVersion: 1,
      nodeId,
      namespace,
      labels,
      groupId,
      replica: 'test',
      connectedSince: new Date().toISOString(),
      streams: 1,
      acked: {},
    });
    const cla = `${TypeUrl.ClusterLoadAssignment} outbound|8000||httpbin.${namespace}.svc.cluster.local`;
    const route = `${TypeUrl.RouteConfiguration} https.443.https.gw.${namespace}`;
    const first = await waitFor(
      async () => {
        const r = await records();
        return r.has(cla) && r.has(route) ? r : undefined;
      },
      { what: 'listed resources compiled', timeoutMs: 20_000 },
    );
    const endpoints = (rec: { resource: string }) =>
      JSON.stringify(decodeMessage(TypeUrl.ClusterLoadAssignment, Buffer.from(rec.resource, 'base64')));
    expect(endpoints(first.get(cla)!)).toContain('10.1.0.1');

    await waitFor(() => api.watchers(apiPath('EndpointSlice')) > 0, { what: 'the EndpointSlice watch' });
    api.put(apiPath('EndpointSlice'), slice('10.1.0.2'));
    const second = await waitFor(
      async () => {
        const r = await records();
        return r.get(cla)?.version !== first.get(cla)?.version ? r : undefined;
      },
      { what: 'the endpoint change published', timeoutMs: 20_000 },
    );
    expect(endpoints(second.get(cla)!)).toContain('10.1.0.2');
    expect(second.get(route)?.version).toBe(first.get(route)?.version);

    await waitFor(() => api.watchers(apiPath('VirtualService')) > 0, { what: 'the VirtualService watch' });
    api.delete(apiPath('VirtualService'), namespace, 'vs');
    await waitFor(
      async () => {
        const r = await records();
        return r.get(route)?.version !== second.get(route)?.version && !r.has(cla) ? r : undefined;
      },
      { what: 'the deleted VirtualService removed from the snapshot', timeoutMs: 20_000 },
    );
  }, 60_000);

  it('reads a rotated service account token again from its file and keeps watching', async () => {
    api.token = 'token-2';
    fs.writeFileSync(tokenFile, 'token-2\n');
    const before = api.requests.length;
    // The open watches carry on; the next request after they close is refused once, then sent again.
    api.closeWatches();
    await waitFor(() => api.watchers() === KUBERNETES_RESOURCES.length, { what: 'every watch open again' });
    const after = api.requests.slice(before);
    expect(after.filter((r) => r.authorization === 'Bearer token-1').length).toBeGreaterThan(0);
    expect(after.filter((r) => r.authorization === 'Bearer token-2').length).toBeGreaterThanOrEqual(
      KUBERNETES_RESOURCES.length,
    );
  });

  it("reads Gateway API ReferenceGrants, which let a namespace's Gateways use another's Secrets", async () => {
    const routing = app.get<RoutingService>(ROUTING_SERVICE);
    const grants = await waitFor(
      () => {
        const g = routing.store.inputs().referenceGrants;
        return g.length > 0 ? g : undefined;
      },
      { what: 'the ReferenceGrant listed' },
    );
    expect(grants.map((g) => ({ ns: g.meta.namespace, from: g.fromNamespaces, to: g.toNames }))).toEqual([
      { ns: `${namespace}-certs`, from: [namespace], to: ['shared-cert'] },
    ]);
    api.delete(referenceGrantsPath, `${namespace}-certs`, 'let-gateways-in');
    await waitFor(() => routing.store.inputs().referenceGrants.length === 0, {
      what: 'the ReferenceGrant deleted',
    });
  });
});
