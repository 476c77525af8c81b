import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import type { INestMicroservice } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import {
  Buckets,
  credentialKey,
  proxyGroupId,
  proxyKey,
  proxyRecord,
  Subjects,
  xdsResourceRecord,
  snapshotKey,
} from '#keyway/contracts';
import { TypeUrl } from '#keyway/envoy-api';
import {
  CommandClient,
  connectNats,
  natsTransport,
  provisionKeywayBucket,
  TypedBucket,
} from '#keyway/messaging';
import { createLogger } from '#keyway/observability';
import {
  createThrowawayDatabase,
  privateNats,
  startTcpProxy,
  waitFor,
  type PrivateNats,
  type ThrowawayDatabase,
} from '#keyway/testing';
import { routeCompilerConfig } from './config.js';
import { RouteCompilerModule } from './route-compiler.module.js';
import { ROUTING_SERVICE } from './routing.handler.js';
import type { RoutingService } from './routing-service.js';

// The whole service over real NATS and Postgres: API and directory sources, a registered proxy group,
// snapshots in the shared bucket (only this test's group), and a one-route edit.
const suffix = randomBytes(3).toString('hex');
const namespace = `t-${suffix}`;
const labels = { istio: `ingress-${suffix}` };
const groupId = proxyGroupId(namespace, labels);
const nodeId = `router~10.0.0.9~gw-${suffix}.${namespace}~${namespace}.svc.cluster.local`;
const actor = { kind: 'user', name: 'tester' };

let db: ThrowawayDatabase;
let app: INestMicroservice;
let client: CommandClient;
let nc: NatsConnection;
let dir: string;
let snapshots: TypedBucket<typeof xdsResourceRecord>;
let proxies: TypedBucket<typeof proxyRecord>;
let credentials: KV;

/**
 * A credential in the bucket, as the secret-watcher publishes one: the route-compiler reads only the
 * key (headers only), so the value here is a placeholder, never key material.
 */
async function credentialExists(name: string): Promise<void> {
  await credentials.put(credentialKey(namespace, name), JSON.stringify({ placeholder: true }));
}

const gateway = (name: string, host: string, portName: string) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name, namespace },
  spec: {
    selector: labels,
    servers: [
      {
        port: { number: 443, name: portName, protocol: 'HTTPS' },
        tls: { mode: 'SIMPLE', credentialName: `${name}-credential` },
        hosts: [host],
      },
    ],
  },
});
const virtualService = (name: string, host: string, gw: string, prefix: string) => ({
  apiVersion: 'networking.istio.io/v1beta1',
  kind: 'VirtualService',
  metadata: { name, namespace },
  spec: {
    hosts: [host],
    gateways: [gw],
    http: [
      { match: [{ uri: { prefix } }], route: [{ destination: { host: 'httpbin', port: { number: 8000 } } }] },
    ],
  },
});
const serviceEntry = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'ServiceEntry',
  metadata: { name: 'httpbin', namespace },
  spec: {
    hosts: [`httpbin.${namespace}.svc.cluster.local`],
    ports: [{ number: 8000, name: 'http', protocol: 'HTTP' }],
    resolution: 'STATIC',
    endpoints: [{ address: '127.0.0.1' }],
  },
};

/** Manifests as one multi-document file in the watched folder. */
function writeRoutes(file: string, ...manifests: object[]): void {
  fs.writeFileSync(path.join(dir, file), manifests.map((m) => JSON.stringify(m)).join('\n---\n'));
}

async function versions(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const key of await snapshots.keys(`${groupId}.>`)) {
    const r = await snapshots.get(key);
    if (r) out.set(`${r.typeUrl} ${r.name}`, r.version);
  }
  return out;
}

async function startApp(config: ReturnType<typeof routeCompilerConfig.load>): Promise<INestMicroservice> {
  const logger = createLogger({ service: 'route-compiler', level: 'silent', format: 'json' });
  const started = await NestFactory.createMicroservice(
    RouteCompilerModule.register(config, logger, { proxyNamespace: namespace, withoutOpsServer: true }),
    { ...natsTransport({ url: config.NATS_URL, queue: `route-compiler-${suffix}` }), logger: false },
  );
  await started.listen();
  return started;
}

let appConfig: ReturnType<typeof routeCompilerConfig.load>;

// A private NATS server: the shared one may carry a running route-compiler (npm start) that would
// answer keyway.routing.* requests and publish this test's group from its own store.
let nats: PrivateNats;

beforeAll(async () => {
  nats = await privateNats('keyway-rc-nats');
  const natsUrl = nats.url;
  db = await createThrowawayDatabase('keyway_route_compiler');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-routes-'));
  const config = routeCompilerConfig.load({
    NATS_URL: natsUrl,
    DATABASE_URL: db.url,
    OPS_PORT: '0',
    LOG_LEVEL: 'silent',
    ROUTES_DIR: dir,
    ROUTE_DEBOUNCE_MS: '10',
  });
  appConfig = config;
  app = await startApp(config);
  client = new CommandClient({ url: config.NATS_URL });
  await client.connect();
  nc = await connectNats({ url: config.NATS_URL, name: `route-compiler-test-${suffix}` });
  snapshots = new TypedBucket(await provisionKeywayBucket(nc, Buckets.xdsSnapshots), xdsResourceRecord);
  proxies = new TypedBucket(await provisionKeywayBucket(nc, Buckets.proxies), proxyRecord);
  credentials = await provisionKeywayBucket(nc, Buckets.credentials);
  for (const gw of ['api-gw', 'file-gw', 'outcome-gw']) await credentialExists(`${gw}-credential`);
}, 60_000);

afterAll(async () => {
  await proxies?.delete(proxyKey(nodeId));
  await client?.close();
  await app?.close();
  for (const key of (await snapshots?.keys(`${groupId}.>`)) ?? []) await snapshots.delete(key);
  await nc?.drain();
  await db?.drop();
  await nats?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('route-compiler service', () => {
  it('publishes a snapshot for a registered group from the API and a directory, and a route edit changes only its RouteConfiguration', async () => {
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
    expect(
      await client.call(Subjects.routing.apply, {
        schemaVersion: 1,
        manifest: gateway('api-gw', 'api.example.com', 'https-api'),
        actor,
      }),
    ).toMatchObject({
      kind: 'Gateway',
      source: 'api',
    });
    await client.call(Subjects.routing.apply, {
      schemaVersion: 1,
      manifest: virtualService('api-vs', 'api.example.com', 'api-gw', '/status'),
      actor,
    });
    await client.call(Subjects.routing.apply, { schemaVersion: 1, manifest: serviceEntry, actor });
    const apiRoute = `${TypeUrl.RouteConfiguration} https.443.https-api.api-gw.${namespace}`;
    const first = await waitFor(
      async () => {
        const v = await versions();
        const cluster = `${TypeUrl.Cluster} outbound|8000||httpbin.${namespace}.svc.cluster.local`;
        return v.has(apiRoute) && v.has(`${TypeUrl.Listener} 0.0.0.0_443`) && v.has(cluster) ? v : undefined;
      },
      { what: 'the API resources compiled into the snapshot', timeoutMs: 20_000 },
    );

    // A Gateway and VirtualService from a file join the same listener.
    writeRoutes(
      'file-routes.yaml',
      gateway('file-gw', 'file.example.com', 'https-file'),
      virtualService('file-vs', 'file.example.com', 'file-gw', '/hello'),
    );
    const fileRoute = `${TypeUrl.RouteConfiguration} https.443.https-file.file-gw.${namespace}`;
    const second = await waitFor(
      async () => {
        const v = await versions();
        return v.has(fileRoute) ? v : undefined;
      },
      { what: 'the directory resources compiled into the snapshot', timeoutMs: 20_000 },
    );
    expect(second.get(`${TypeUrl.Listener} 0.0.0.0_443`)).not.toBe(
      first.get(`${TypeUrl.Listener} 0.0.0.0_443`),
    );

    // Edit one route through the API: only that RouteConfiguration's version moves.
    await client.call(Subjects.routing.apply, {
      schemaVersion: 1,
      manifest: virtualService('api-vs', 'api.example.com', 'api-gw', '/delay'),
      actor,
    });
    const third = await waitFor(
      async () => {
        const v = await versions();
        return v.get(apiRoute) !== second.get(apiRoute) ? v : undefined;
      },
      { what: 'the edited route republished', timeoutMs: 20_000 },
    );
    for (const [key, version] of third) {
      if (key !== apiRoute) expect({ key, version }).toEqual({ key, version: second.get(key) });
    }
    expect([...third.keys()].sort()).toEqual([...second.keys()].sort());
    expect(
      await snapshots.get(
        snapshotKey(groupId, TypeUrl.RouteConfiguration, `https.443.https-api.api-gw.${namespace}`),
      ),
    ).toMatchObject({ groupId });

    const status = await client.call<{ statuses: { resource: string; accepted: boolean }[] }>(
      Subjects.routing.status,
      {
        schemaVersion: 1,
        namespace,
      },
    );
    expect(status.statuses.map((s) => s.resource)).toEqual(
      expect.arrayContaining([
        `Gateway/${namespace}/api-gw`,
        `VirtualService/${namespace}/api-vs`,
        `Gateway/${namespace}/file-gw`,
      ]),
    );
  }, 60_000);

  it("answers an apply with kubectl's outcome: created, updated when it differs, unchanged when identical", async () => {
    const apply = (manifest: unknown, by = actor) =>
      client.call<{ outcome: string; kind: string; name: string; source: string }>(Subjects.routing.apply, {
        schemaVersion: 1,
        manifest,
        actor: by,
      });
    const gw = gateway('outcome-gw', 'outcome.example.com', 'https-outcome');
    expect(await apply(gw)).toEqual({
      kind: 'Gateway',
      namespace,
      name: 'outcome-gw',
      source: 'api',
      outcome: 'created',
    });
    // The same manifest, its keys in another order and from someone else: nothing changes.
    const reordered = { spec: gw.spec, metadata: gw.metadata, kind: gw.kind, apiVersion: gw.apiVersion };
    expect((await apply(reordered, { kind: 'user', name: 'someone-else' })).outcome).toBe('unchanged');
    expect((await apply(gateway('outcome-gw', 'other.example.com', 'https-outcome'))).outcome).toBe(
      'updated',
    );
    expect((await apply(gateway('outcome-gw', 'other.example.com', 'https-outcome'))).outcome).toBe(
      'unchanged',
    );
    // An unchanged apply leaves the row alone: the last change is still recorded as the tester's.
    const pgClient = new pg.Client({ connectionString: db.url });
    await pgClient.connect();
    try {
      const stored = await pgClient.query<{ applied_by: { name: string } }>(
        'SELECT applied_by FROM route_compiler.routing_resources WHERE id = $1',
        [`Gateway/${namespace}/outcome-gw`],
      );
      expect(stored.rows.map((r) => r.applied_by.name)).toEqual(['tester']);
    } finally {
      await pgClient.end();
    }
    // Each kind reports its own outcome.
    const se = { ...serviceEntry, metadata: { name: 'outcome-se', namespace } };
    expect((await apply(se)).outcome).toBe('created');
    expect((await apply(se)).outcome).toBe('unchanged');
    await client.call(Subjects.routing.delete, {
      schemaVersion: 1,
      kind: 'ServiceEntry',
      namespace,
      name: 'outcome-se',
      actor,
    });
    expect((await apply(se)).outcome).toBe('created');
    for (const [kind, name] of [
      ['Gateway', 'outcome-gw'],
      ['ServiceEntry', 'outcome-se'],
    ])
      await client.call(Subjects.routing.delete, { schemaVersion: 1, kind, namespace, name, actor });
  });

  it('refuses an invalid manifest with field errors', async () => {
    const reply = await client.send(Subjects.routing.apply, {
      schemaVersion: 1,
      manifest: {
        ...gateway('bad', 'bad.example.com', 'https'),
        spec: { servers: [{ port: { number: 443, protocol: 'HTTPS' }, hosts: ['bad.example.com'] }] },
      },
      actor,
    });
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'invalid', errors: [expect.objectContaining({ field: 'spec.servers[0].tls' })] },
    });
  });

  // 60 s: on a loaded CI machine (every suite at once) its three commands took longer than 30 s once.
  it('drops a server whose credential is missing alone, reports it, and brings it in once the credential appears', async () => {
    // One apply, two servers on the shared port 443: one credential exists, the other is misspelled.
    const twoServers = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'late-gw', namespace },
      spec: {
        selector: labels,
        servers: [
          {
            port: { number: 443, name: 'https-good', protocol: 'HTTPS' },
            tls: { mode: 'SIMPLE', credentialName: 'api-gw-credential' },
            hosts: ['good.example.com'],
          },
          {
            port: { number: 443, name: 'https-late', protocol: 'HTTPS' },
            tls: { mode: 'SIMPLE', credentialName: 'late-credential' },
            hosts: ['late.example.com'],
          },
        ],
      },
    };
    await client.call(Subjects.routing.apply, { schemaVersion: 1, manifest: twoServers, actor });
    const goodRoute = `${TypeUrl.RouteConfiguration} https.443.https-good.late-gw.${namespace}`;
    const lateRoute = `${TypeUrl.RouteConfiguration} https.443.https-late.late-gw.${namespace}`;
    await waitFor(async () => (await versions()).has(goodRoute), {
      what: 'the good server compiled',
      timeoutMs: 10_000,
    });
    expect((await versions()).has(lateRoute)).toBe(false);
    const status = await client.call<{
      statuses: Array<{ resource: string; accepted: boolean; conditions: object[] }>;
    }>(Subjects.routing.status, { schemaVersion: 1, kind: 'Gateway', namespace, name: 'late-gw' });
    expect(status.statuses).toEqual([
      {
        resource: `Gateway/${namespace}/late-gw`,
        accepted: false,
        conditions: [
          expect.objectContaining({
            field: 'spec.servers[1].tls.credentialName',
            code: 'unknown-credential',
            severity: 'error',
          }),
        ],
      },
    ]);

    const appeared = performance.now();
    await credentialExists('late-credential');
    await waitFor(async () => (await versions()).has(lateRoute), {
      what: 'the late server compiled',
      timeoutMs: 5_000,
    });
    expect(performance.now() - appeared).toBeLessThan(1000);
    await client.call(Subjects.routing.delete, {
      schemaVersion: 1,
      kind: 'Gateway',
      namespace,
      name: 'late-gw',
      actor,
    });
  }, 60_000);

  it('keeps replicas in step: an apply handled by one reaches the other through Postgres', async () => {
    const replica = await startApp(appConfig);
    try {
      for (const prefix of ['/r1', '/r2', '/r3', '/r4']) {
        await client.call(Subjects.routing.apply, {
          schemaVersion: 1,
          manifest: virtualService('api-vs', 'api.example.com', 'api-gw', prefix),
          actor,
        });
      }
      const prefixIn = (instance: INestMicroservice) => () => {
        const stored = instance
          .get<RoutingService>(ROUTING_SERVICE)
          .store.get(`VirtualService/${namespace}/api-vs`);
        const manifest = stored?.manifest as
          { spec: { http: { match: { uri: { prefix: string } }[] }[] } } | undefined;
        return manifest?.spec.http[0].match[0].uri.prefix === '/r4';
      };
      await waitFor(prefixIn(app), { what: 'the first replica to hold the last apply' });
      await waitFor(prefixIn(replica), { what: 'the second replica to hold the last apply' });
    } finally {
      await replica.close();
    }
    await client.call(Subjects.routing.apply, {
      schemaVersion: 1,
      manifest: virtualService('api-vs', 'api.example.com', 'api-gw', '/delay'),
      actor,
    });
  }, 60_000);

  it('keeps API resources in Postgres across a restart', async () => {
    await app.close();
    app = await startApp(appConfig);
    // The new instance's NATS subscriptions may reach the server a moment after listen() resolves.
    const got = await waitFor(
      async () => {
        const reply = await client.send<{
          manifest: { spec: { http: { match: { uri: { prefix: string } }[] }[] } };
          source: string;
        }>(Subjects.routing.get, { schemaVersion: 1, kind: 'VirtualService', namespace, name: 'api-vs' });
        return reply.ok ? reply.result : undefined;
      },
      { what: 'the restarted service to answer' },
    );
    expect(got.source).toBe('api');
    expect(got.manifest.spec.http[0].match[0].uri.prefix).toBe('/delay');
    const listed = await client.call<{ items: { name: string }[] }>(Subjects.routing.list, {
      schemaVersion: 1,
      kind: 'Gateway',
      namespace,
    });
    expect(listed.items.map((i) => i.name)).toEqual(['api-gw', 'file-gw']);
  }, 60_000);

  it('deletes at start the snapshot keys nothing compiles to any more', async () => {
    await app.close();
    // Left behind while no route-compiler ran (a resource deleted, a replica that died mid-publish).
    const stale = snapshotKey(groupId, TypeUrl.Listener, 'stale-listener');
    await snapshots.put(stale, {
      ...(await snapshots.get((await snapshots.keys(`${groupId}.>`))[0]!))!,
      name: 'stale-listener',
    });
    const before = await versions();
    app = await startApp(appConfig);
    await waitFor(async () => !(await snapshots.keys(`${groupId}.>`)).includes(stale), {
      what: 'the stale key deleted',
    });
    const after = await versions();
    expect([...after.keys()].sort()).toEqual(
      [...before.keys()].filter((k) => !k.endsWith(' stale-listener')).sort(),
    );
  }, 60_000);

  it('publishes again what a bucket write lost while NATS was unreachable, once it is back', async () => {
    await app.close();
    const proxy = await startTcpProxy(Number(new URL(appConfig.NATS_URL).port));
    // Known before the outage, so the only thing the outage can lose is the bucket write.
    await credentialExists('outage-gw-credential');
    try {
      app = await startApp({ ...appConfig, NATS_URL: `nats://127.0.0.1:${proxy.port}` });
      const routing = app.get<RoutingService>(ROUTING_SERVICE);
      await waitFor(() => routing.compiles > 0, {
        what: 'a first compile through the proxy',
        timeoutMs: 20_000,
      });
      const compiledBefore = routing.compiles;
      proxy.cut();
      // A new Gateway and route while the route-compiler cannot reach NATS: its bucket writes fail.
      writeRoutes(
        'during-outage.yaml',
        gateway('outage-gw', 'outage.example.com', 'https-outage'),
        virtualService('outage-vs', 'outage.example.com', 'outage-gw', '/outage'),
      );
      await waitFor(() => routing.compiles > compiledBefore, {
        what: 'a compile during the outage',
        timeoutMs: 20_000,
      });
      // Longer than a JetStream publish waits for its acknowledgement: the write fails, not lingers.
      await new Promise((r) => setTimeout(r, 6_000));
      await proxy.heal();
      const outageRoute = `${TypeUrl.RouteConfiguration} https.443.https-outage.outage-gw.${namespace}`;
      await waitFor(async () => (await versions()).has(outageRoute), {
        what: 'the route written during the outage published',
        timeoutMs: 40_000,
      });
    } finally {
      await app.close();
      proxy.close();
      fs.rmSync(path.join(dir, 'during-outage.yaml'), { force: true });
      app = await startApp(appConfig);
    }
  }, 90_000);
});
