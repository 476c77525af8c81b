// The sds-server over real NATS: credentials and snapshots from the KV buckets reach proxies over
// gRPC, proxies are registered in the proxies bucket, and proxy status answers over NATS.
import { jest } from '@jest/globals';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import {
  Buckets,
  credentialAssociatedData,
  credentialKey,
  credentialRecord,
  proxyGroupId,
  proxyKey,
  proxyRecord,
  snapshotKey,
  Subjects,
  xdsResourceRecord,
  type CredentialRecord,
  type ProxyStatusEntry,
} from '#keyway/contracts';
import { decodeMessage, encodeMessage, TypeUrl } from '#keyway/envoy-api';
import { Keyring } from '#keyway/key-material';
import {
  CommandClient,
  connectNats,
  natsTransport,
  provisionKeywayBucket,
  TypedBucket,
} from '#keyway/messaging';
import { createLogger } from '#keyway/observability';
import { natsUrlForTests, testDataKeys, waitFor } from '#keyway/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { sdsConfig } from './config.js';
import { SDS_RUNTIME } from './proxy-status.handler.js';
import { proxyRecordKey } from './proxy-registry.js';
import type { SdsRuntime } from './sds-runtime.js';
import { SdsServerModule } from './sds-server.module.js';
import { AdsClient, bearer, envoyNode, SdsClient, TestStream } from './testing/xds-test-client.js';

// Real servers, TLS and proto loading on a shared machine: generous per-test time.
jest.setTimeout(30_000);

const NS = `t-${randomBytes(3).toString('hex')}`;
const LABELS = { app: `gw-${NS}` };
const GROUP = proxyGroupId(NS, LABELS);
const TOKEN = randomBytes(16).toString('hex');
const DATA_KEYS = testDataKeys();
const keyring = Keyring.parse(DATA_KEYS);

function credential(
  name: string,
  revision: number,
  state: 'active' | 'deleted' = 'active',
): CredentialRecord {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const material = {
    certificateChain: `-----BEGIN CERTIFICATE-----\nrevision-${revision}\n-----END CERTIFICATE-----\n`,
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  const plaintext = JSON.stringify(material);
  return {
    schemaVersion: 1,
    namespace: NS,
    name,
    kind: 'tls-certificate',
    revision,
    contentHash: createHash('sha256').update(`${name}/${revision}`).digest('hex'),
    state,
    ...(state === 'deleted' ? { serveUntil: new Date(Date.now() - 1000).toISOString() } : {}),
    caFingerprints: [],
    material: keyring.seal(plaintext, credentialAssociatedData(NS, name, revision)),
  };
}

describe('sds-server over NATS', () => {
  let app: INestMicroservice;
  let runtime: SdsRuntime;
  let nc: NatsConnection;
  let credentials: TypedBucket<typeof credentialRecord>;
  let snapshots: TypedBucket<typeof xdsResourceRecord>;
  let proxies: TypedBucket<typeof proxyRecord>;
  let commands: CommandClient;
  let sds: grpc.Client;
  let ads: grpc.Client;
  const streams: TestStream[] = [];
  const keys: { bucket: TypedBucket<any>; key: string }[] = [];

  beforeAll(async () => {
    const config = sdsConfig.load({
      NATS_URL: natsUrlForTests(),
      KEYWAY_DATA_KEYS: DATA_KEYS,
      XDS_GRPC_PORT: '0',
      OPS_PORT: '0',
      REPLICA_ID: `test-${NS}`,
      XDS_BOOTSTRAP_TOKENS: `${NS}=${TOKEN}`,
      LOG_LEVEL: 'silent',
    });
    const logger = createLogger({ service: 'sds-server', level: 'silent' });
    app = await NestFactory.createMicroservice(SdsServerModule.register(config, logger), {
      ...natsTransport({ url: config.NATS_URL, queue: `sds-server-${NS}` }),
      logger: false,
    });
    await app.listen();
    runtime = app.get(SDS_RUNTIME);
    nc = await connectNats({ url: natsUrlForTests(), name: 'sds-test' });
    credentials = new TypedBucket(await provisionKeywayBucket(nc, Buckets.credentials), credentialRecord);
    snapshots = new TypedBucket(await provisionKeywayBucket(nc, Buckets.xdsSnapshots), xdsResourceRecord);
    proxies = new TypedBucket(await provisionKeywayBucket(nc, Buckets.proxies), proxyRecord);
    commands = new CommandClient({ url: natsUrlForTests() });
    await commands.connect();
    const address = `127.0.0.1:${runtime.server.ports.plain}`;
    sds = new (SdsClient())(address, grpc.credentials.createInsecure());
    ads = new (AdsClient())(address, grpc.credentials.createInsecure());
  });

  afterEach(() => {
    for (const s of streams.splice(0)) s.close();
  });

  afterAll(async () => {
    sds?.close();
    ads?.close();
    for (const { bucket, key } of keys) await bucket.delete(key).catch(() => undefined);
    await app?.close();
    await commands?.close();
    await nc?.drain();
  });

  const open = (stream: TestStream) => (streams.push(stream), stream);

  it('serves a credential from the bucket, registers the proxy, and reports its status', async () => {
    const key = credentialKey(NS, 'httpbin-credential');
    keys.push({ bucket: credentials, key });
    await credentials.put(key, credential('httpbin-credential', 1));
    const node = envoyNode(NS, 'gw-1', LABELS) as { id: string };
    const s = open(new TestStream((sds as any).StreamSecrets(bearer(TOKEN))));
    s.send({ node, resource_names: ['kubernetes://httpbin-credential'] });
    const r1 = await s.next(5000);
    const secret = decodeMessage(TypeUrl.Secret, r1.resources[0].value) as any;
    expect(secret.name).toBe('kubernetes://httpbin-credential');
    expect(Buffer.from(secret.tls_certificate.certificate_chain.inline_bytes, 'base64').toString()).toContain(
      'revision-1',
    );
    s.send({
      resource_names: ['kubernetes://httpbin-credential'],
      version_info: r1.version_info,
      response_nonce: r1.nonce,
    });

    const record = await waitFor(
      async () => {
        const r = await proxies.get(proxyKey(proxyRecordKey(NS, node.id)));
        return r?.acked[TypeUrl.Secret] === r1.version_info ? r : undefined;
      },
      { what: 'the proxy record with its ACK' },
    );
    expect(record).toMatchObject({
      namespace: NS,
      groupId: GROUP,
      labels: LABELS,
      replica: `test-${NS}`,
      streams: 1,
    });

    const status = await commands.call<ProxyStatusEntry[]>(Subjects.proxies.status, { namespace: NS });
    expect(status).toEqual([
      expect.objectContaining({
        nodeId: node.id,
        types: { [TypeUrl.Secret]: expect.objectContaining({ status: 'SYNCED' }) },
      }),
    ]);

    // A new revision in the bucket is pushed.
    await credentials.put(key, credential('httpbin-credential', 2));
    const r2 = await s.next(5000);
    const secret2 = decodeMessage(TypeUrl.Secret, r2.resources[0].value) as any;
    expect(
      Buffer.from(secret2.tls_certificate.certificate_chain.inline_bytes, 'base64').toString(),
    ).toContain('revision-2');

    // Disconnecting removes the proxy from the bucket.
    s.close();
    await waitFor(
      async () => (await proxies.get(proxyKey(proxyRecordKey(NS, node.id)))) === undefined || undefined,
      {
        what: 'the proxy record to go',
      },
    );
  });

  it('a deleted credential past its grace period is removed (Delta)', async () => {
    const key = credentialKey(NS, 'gone-credential');
    keys.push({ bucket: credentials, key });
    await credentials.put(key, credential('gone-credential', 1));
    const s = open(new TestStream((sds as any).DeltaSecrets(bearer(TOKEN))));
    s.send({
      node: envoyNode(NS, 'gw-2', LABELS),
      resource_names_subscribe: ['kubernetes://gone-credential'],
    });
    const r1 = await s.next(5000);
    expect(r1.resources.map((x: any) => x.name)).toEqual(['kubernetes://gone-credential']);
    await credentials.put(key, credential('gone-credential', 2, 'deleted'));
    const r2 = await s.next(5000);
    expect(r2.removed_resources).toEqual(['kubernetes://gone-credential']);
  });

  it('serves compiled snapshot resources of the proxy group over ADS', async () => {
    const name = `outbound|8000||httpbin.${NS}.svc.cluster.local`;
    const bytes = encodeMessage(TypeUrl.Cluster, { name, connect_timeout: { seconds: 5 } });
    const key = snapshotKey(GROUP, TypeUrl.Cluster, name);
    keys.push({ bucket: snapshots, key });
    const s = open(new TestStream((ads as any).StreamAggregatedResources(bearer(TOKEN))));
    s.send({ node: envoyNode(NS, 'gw-3', LABELS), type_url: TypeUrl.Cluster, resource_names: [] });
    const empty = await s.next(5000);
    expect(empty.resources).toEqual([]);
    s.send({
      type_url: TypeUrl.Cluster,
      resource_names: [],
      version_info: empty.version_info,
      response_nonce: empty.nonce,
    });
    await snapshots.put(key, {
      schemaVersion: 1,
      groupId: GROUP,
      typeUrl: TypeUrl.Cluster,
      name,
      version: createHash('sha256').update(bytes).digest('hex').slice(0, 16),
      resource: bytes.toString('base64'),
    });
    const r = await s.next(5000);
    expect((decodeMessage(TypeUrl.Cluster, r.resources[0].value) as any).name).toBe(name);
    await snapshots.delete(key);
    const after = await s.next(5000);
    expect(after.resources).toEqual([]);
  });
});
