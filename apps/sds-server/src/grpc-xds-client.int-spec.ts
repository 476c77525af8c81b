// A real xDS client keyway did not write: @grpc/grpc-js-xds resolves `xds:///httpbin` through
// keyway's ADS (LDS API listener -> CDS -> EDS) and completes a call to a backend. The snapshot is
// published to the xds-snapshots bucket on real NATS, as the route-compiler publishes it.
//
// grpc-js-xds connects to its xDS server with insecure channel credentials only and sends no call
// credentials, so, like istio-agent beside Envoy, a small local agent forwards its ADS stream to
// keyway with the namespace's bootstrap token. The agent passes bytes through unchanged.
import { jest } from '@jest/globals';
import * as grpc from '@grpc/grpc-js';
import * as grpcXds from '@grpc/grpc-js-xds';
import { createHash, randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { Registry } from 'prom-client';
import {
  Buckets,
  proxyGroupId,
  snapshotKey,
  xdsResourceRecord,
  type SnapshotTypeUrl,
} from '#keyway/contracts';
import { encodeMessage, ExtensionTypeUrl, TypeUrl } from '#keyway/envoy-api';
import { connectNats, provisionKeywayBucket, TypedBucket } from '#keyway/messaging';
import { createLogger } from '#keyway/observability';
import { natsUrlForTests, testDataKeys, waitFor } from '#keyway/testing';
import { sdsConfig } from './config.js';
import { SdsRuntime } from './sds-runtime.js';
import { bearer } from './testing/xds-test-client.js';

// Real servers, TLS and proto loading on a shared machine: generous per-test time.
jest.setTimeout(30_000);

const NS = `t-${randomBytes(3).toString('hex')}`;
const LABELS = { app: `grpc-client-${NS}` };
const TOKEN = randomBytes(16).toString('hex');
const GROUP = proxyGroupId(NS, LABELS);
const ADS_PATH = '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources';
const ECHO_PATH = '/keyway.test.Echo/Say';
const bytes = (b: Buffer) => b;

function bind(server: grpc.Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, port) =>
      e ? reject(e) : resolve(port),
    ),
  );
}

function resource(typeUrl: SnapshotTypeUrl, name: string, value: Record<string, unknown>) {
  const encoded = encodeMessage(typeUrl, value);
  return {
    key: snapshotKey(GROUP, typeUrl, name),
    record: {
      schemaVersion: 1 as const,
      groupId: GROUP,
      typeUrl,
      name,
      version: createHash('sha256').update(encoded).digest('hex').slice(0, 16),
      resource: encoded.toString('base64'),
    },
  };
}

describe('@grpc/grpc-js-xds through keyway ADS', () => {
  let runtime: SdsRuntime;
  let nc: NatsConnection;
  let snapshots: TypedBucket<typeof xdsResourceRecord>;
  let agent: grpc.Server;
  let backend: grpc.Server;
  let upstream: grpc.Client;
  let client: grpc.Client | undefined;
  const published: string[] = [];

  beforeAll(async () => {
    grpcXds.register();
    nc = await connectNats({ url: natsUrlForTests(), name: 'grpc-xds-test' });
    snapshots = new TypedBucket(await provisionKeywayBucket(nc, Buckets.xdsSnapshots), xdsResourceRecord);
    runtime = new SdsRuntime({
      config: sdsConfig.load({
        NATS_URL: natsUrlForTests(),
        KEYWAY_DATA_KEYS: testDataKeys(),
        XDS_GRPC_PORT: '0',
        OPS_PORT: '0',
        XDS_BOOTSTRAP_TOKENS: `${NS}=${TOKEN}`,
      }),
      logger: createLogger({ service: 'sds-server', level: 'silent' }),
      nc,
      metrics: new Registry(),
    });
    const { plain } = await runtime.start();
    upstream = new grpc.Client(`127.0.0.1:${plain}`, grpc.credentials.createInsecure());

    agent = new grpc.Server();
    agent.addService(
      {
        StreamAggregatedResources: {
          path: ADS_PATH,
          requestStream: true,
          responseStream: true,
          requestSerialize: bytes,
          requestDeserialize: bytes,
          responseSerialize: bytes,
          responseDeserialize: bytes,
        },
      },
      {
        StreamAggregatedResources: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
          const up = upstream.makeBidiStreamRequest(ADS_PATH, bytes, bytes, bearer(TOKEN));
          call.on('data', (d: Buffer) => up.write(d));
          call.on('end', () => up.end());
          call.on('cancelled', () => up.cancel());
          up.on('data', (d: Buffer) => call.write(d));
          up.on('error', (e: grpc.ServiceError) => call.emit('error', { code: e.code, details: e.details }));
          up.on('end', () => call.end());
        },
      },
    );
    const agentPort = await bind(agent);

    backend = new grpc.Server();
    backend.addService(
      {
        Say: {
          path: ECHO_PATH,
          requestStream: false,
          responseStream: false,
          requestSerialize: bytes,
          requestDeserialize: bytes,
          responseSerialize: bytes,
          responseDeserialize: bytes,
        },
      },
      {
        Say: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) =>
          cb(null, Buffer.concat([Buffer.from('echo:'), call.request])),
      },
    );
    const backendPort = await bind(backend);

    // The compiled snapshot for the client's group: an API listener, its cluster and endpoints.
    const resources = [
      resource(TypeUrl.Listener, 'httpbin', {
        name: 'httpbin',
        api_listener: {
          api_listener: {
            '@type': ExtensionTypeUrl.HttpConnectionManager,
            stat_prefix: 'httpbin',
            route_config: {
              name: 'httpbin-route',
              virtual_hosts: [
                {
                  name: 'httpbin',
                  domains: ['*'],
                  routes: [{ match: { prefix: '' }, route: { cluster: 'outbound|80||httpbin' } }],
                },
              ],
            },
            http_filters: [{ name: 'router', typed_config: { '@type': ExtensionTypeUrl.Router } }],
          },
        },
      }),
      resource(TypeUrl.Cluster, 'outbound|80||httpbin', {
        name: 'outbound|80||httpbin',
        type: 3, // EDS (verify wants enum numbers)
        eds_cluster_config: {
          eds_config: { ads: {}, resource_api_version: 2 },
          service_name: 'httpbin-endpoints',
        },
        lb_policy: 0, // ROUND_ROBIN
      }),
      resource(TypeUrl.ClusterLoadAssignment, 'httpbin-endpoints', {
        cluster_name: 'httpbin-endpoints',
        endpoints: [
          {
            locality: { region: 'local', zone: 'a' },
            load_balancing_weight: { value: 1 },
            lb_endpoints: [
              {
                endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: backendPort } } },
              },
            ],
          },
        ],
      }),
    ];
    for (const { key, record } of resources) {
      published.push(key);
      await snapshots.put(key, record);
    }

    process.env.GRPC_XDS_BOOTSTRAP_CONFIG = JSON.stringify({
      xds_servers: [
        {
          server_uri: `127.0.0.1:${agentPort}`,
          channel_creds: [{ type: 'insecure' }],
          server_features: ['xds_v3'],
        },
      ],
      node: {
        id: `grpc-client~127.0.0.1~client-1.${NS}~${NS}.svc.cluster.local`,
        locality: {},
        metadata: { NAMESPACE: NS, LABELS },
      },
    });
  });

  afterAll(async () => {
    client?.close();
    upstream?.close();
    for (const key of published) await snapshots.delete(key).catch(() => undefined);
    await runtime?.stop();
    await nc?.drain();
    await new Promise<void>((r) => (agent ? agent.tryShutdown(() => r()) : r()));
    agent?.forceShutdown();
    backend?.forceShutdown();
    delete process.env.GRPC_XDS_BOOTSTRAP_CONFIG;
  });

  it('resolves xds:///httpbin from keyway and completes a call', async () => {
    client = new grpc.Client('xds:///httpbin', grpc.credentials.createInsecure());
    const reply = await new Promise<Buffer>((resolve, reject) =>
      client!.makeUnaryRequest(
        ECHO_PATH,
        bytes,
        bytes,
        Buffer.from('hello'),
        new grpc.Metadata(),
        { deadline: Date.now() + 10_000 },
        (e, r) => (e ? reject(e) : resolve(r!)),
      ),
    );
    expect(reply.toString()).toBe('echo:hello');
    // The client ACKed what keyway sent for every type: it accepted every resource.
    const record = await waitFor(
      () => {
        const r = runtime.registry.records()[0];
        return r && Object.keys(r.acked).length === 3 ? r : undefined;
      },
      { what: 'ACKs for LDS, CDS and EDS' },
    );
    expect(Object.keys(record.acked).sort()).toEqual(
      [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener].sort(),
    );
    expect(record).toMatchObject({ namespace: NS, groupId: GROUP });
    expect(record.lastNack).toBeUndefined();
  });
});
