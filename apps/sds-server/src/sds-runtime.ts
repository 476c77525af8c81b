import { performance } from 'node:perf_hooks';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Registry } from 'prom-client';
import {
  Buckets,
  credentialRecord,
  proxyKey,
  proxyRecord,
  validatePayload,
  xdsResourceRecord,
  type ProxyRecord,
} from '#keyway/contracts';
import {
  natsHealth,
  openKeywayBucket,
  provisionKeywayBucket,
  TypedBucket,
  watchBucket,
  type KvWatch,
} from '#keyway/messaging';
import { HealthRegistry, OpsServer, type Logger } from '#keyway/observability';
import { parseBootstrapTokens, plainGrpcPort, type SdsConfig } from './config.js';
import { CredentialFeed, type CredentialEvent } from './credential-feed.js';
import { ProxyRegistry } from './proxy-registry.js';
import { ResourceStore } from './resource-store.js';
import { SnapshotFeed, type SnapshotEvent } from './snapshot-feed.js';
import { XdsGrpcServer } from './xds-grpc-server.js';
import { createXdsMetrics, registerProxySyncGauge } from './xds-metrics.js';
import { Keyring } from '#keyway/key-material';
import { readTlsFiles, TlsFileReloader, type TlsFilePaths } from '#keyway/config';
import type { MutualTlsFiles } from './server-credentials.js';

/**
 * Bucket updates that arrive together (a compiled snapshot is many keys) are applied in one store
 * transaction, so a proxy sees them as one push in Envoy's order.
 */
class FeedQueue {
  #queued: (() => void)[] = [];
  #scheduled = false;
  constructor(private readonly store: ResourceStore) {}
  push(apply: () => void): void {
    this.#queued.push(apply);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      const batch = this.#queued;
      this.#queued = [];
      this.store.transaction(() => batch.forEach((f) => f()));
    });
  }
}

export interface SdsRuntimeOptions {
  config: SdsConfig;
  logger: Logger;
  nc: NatsConnection;
  metrics: Registry;
}

/** Everything the sds-server runs: bucket watches, the gRPC server, proxy registration, ops. */
export class SdsRuntime {
  readonly store = new ResourceStore();
  registry!: ProxyRegistry;
  server!: XdsGrpcServer;
  proxies!: TypedBucket<typeof proxyRecord>;
  readonly health = new HealthRegistry();
  #watches: KvWatch[] = [];
  #credentials!: CredentialFeed;
  #ops?: OpsServer;
  #tlsReloader?: TlsFileReloader<MutualTlsFiles>;

  constructor(private readonly options: SdsRuntimeOptions) {}

  async start(): Promise<{ plain?: number; tls?: number; ops?: number }> {
    const { config, logger, nc, metrics } = this.options;
    const replica = config.REPLICA_ID ?? `sds-${process.pid}`;
    const [credentialsKv, snapshotsKv, proxiesKv] = await Promise.all([
      openKeywayBucket(nc, Buckets.credentials, config.NATS_KV_REPLICAS),
      openKeywayBucket(nc, Buckets.xdsSnapshots, config.NATS_KV_REPLICAS),
      provisionKeywayBucket(nc, Buckets.proxies, config.NATS_KV_REPLICAS),
    ]);
    this.proxies = new TypedBucket(proxiesKv, proxyRecord);
    // Proxy records change on every flush, so they are written without TypedBucket's read-compare.
    this.registry = new ProxyRegistry(replica, {
      put: async (nodeId: string, record: ProxyRecord) => {
        const checked = validatePayload(proxyRecord, record);
        if (!checked.ok) throw new Error(checked.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
        await proxiesKv.put(proxyKey(nodeId), JSON.stringify(record));
      },
      delete: async (nodeId: string) => void (await proxiesKv.delete(proxyKey(nodeId))),
    });
    const registry = this.registry;
    registerProxySyncGauge(metrics, () => registry.records());
    this.#credentials = new CredentialFeed(this.store, Keyring.parse(config.KEYWAY_DATA_KEYS), logger);
    const snapshots = new SnapshotFeed(this.store);
    const queue = new FeedQueue(this.store);
    this.#watches.push(
      await watchBucket(
        credentialsKv,
        credentialRecord,
        {
          onEvent: (e) => {
            const at = performance.now();
            const event: CredentialEvent =
              e.kind === 'put' ? { kind: 'put', key: e.key, value: e.value } : { kind: 'delete', key: e.key };
            queue.push(() => this.#credentials.apply(event, at));
          },
        },
        { logger },
      ),
      await watchBucket(
        snapshotsKv,
        xdsResourceRecord,
        {
          onEvent: (e) => {
            const at = performance.now();
            const event: SnapshotEvent =
              e.kind === 'put' ? { kind: 'put', key: e.key, value: e.value } : { kind: 'delete', key: e.key };
            queue.push(() => snapshots.apply(event, at));
          },
        },
        { logger },
      ),
    );
    // Serve only once the buckets' current state is loaded: a proxy never sees an empty world first.
    await Promise.all(this.#watches.map((w) => w.ready));
    await new Promise<void>((resolve) => setImmediate(resolve));

    const tls = this.#tls();
    this.server = new XdsGrpcServer({
      host: config.XDS_HOST,
      plainPort: plainGrpcPort(config),
      tls: tls && { port: tls.port, files: tls.files },
      policy: {
        trustDomain: config.XDS_TRUST_DOMAIN,
        bootstrapTokens: parseBootstrapTokens(config.XDS_BOOTSTRAP_TOKENS),
      },
      store: this.store,
      registry: this.registry,
      metrics: createXdsMetrics(metrics),
      logger,
    });
    const ports = await this.server.start();
    if (tls) {
      const server = this.server;
      this.#tlsReloader = new TlsFileReloader(
        'xds TLS files',
        tls.paths,
        tls.files,
        (files) => server.updateTls(files),
        logger,
      );
      this.#tlsReloader.start(config.XDS_TLS_RELOAD_SECONDS * 1000);
    }
    this.health.register('nats', () => natsHealth(nc));
    this.#ops = new OpsServer({
      port: config.OPS_PORT,
      host: config.OPS_HOST,
      health: this.health,
      metrics,
    });
    const ops = await this.#ops.start();
    logger.info({ ...ports, ops, replica }, 'sds-server ready');
    return { ...ports, ops };
  }

  #tls() {
    const c = this.options.config;
    if (!c.XDS_TLS_CERT_FILE || !c.XDS_TLS_KEY_FILE || !c.XDS_CLIENT_CA_FILE) return undefined;
    const paths: TlsFilePaths<MutualTlsFiles> = {
      cert: c.XDS_TLS_CERT_FILE,
      key: c.XDS_TLS_KEY_FILE,
      clientCa: c.XDS_CLIENT_CA_FILE,
      crl: c.XDS_CLIENT_CRL_FILE,
    };
    return { port: c.XDS_TLS_PORT, paths, files: readTlsFiles<MutualTlsFiles>(paths) };
  }

  /** Proxy status from the proxies bucket, so it covers every replica. */
  async proxyRecords(): Promise<ProxyRecord[]> {
    const out: ProxyRecord[] = [];
    for (const key of await this.proxies.keys()) {
      const record = await this.proxies.get(key).catch(() => undefined);
      if (record) out.push(record);
    }
    return out;
  }

  async stop(): Promise<void> {
    await Promise.all(this.#watches.map((w) => w.stop()));
    this.#watches = [];
    this.#tlsReloader?.stop();
    await this.server?.stop();
    await this.registry?.close();
    this.#credentials?.close();
    await this.#ops?.stop();
  }
}
