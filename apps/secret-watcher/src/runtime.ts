import fs from 'node:fs';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Registry } from 'prom-client';
import { Buckets, SECRET_APPLY_AAD, Streams, secretManifest, validatePayload } from '#keyway/contracts';
import { Keyring } from '#keyway/key-material';
import { SignedCheckpoints, connectNats, provisionKeywayBucket } from '#keyway/messaging';
import type { Logger } from '#keyway/observability';
import { exportCursorStore, openServiceDatabase, type DataSource } from '#keyway/persistence';
import { auditExporterFor, type AuditExporter } from '#keyway/audit-export';
import { decodeSecret, type ChainedAuditRow, type CheckpointHead } from '#keyway/secrets';
import { PostgresAuditStore, type AuditFence } from './audit-log.js';
import type { SecretWatcherConfig } from './config.js';
import { KvCredentialSink } from './credential-publisher.js';
import { CredentialTelemetry } from './credential-telemetry.js';
import { SECRET_WATCHER_MIGRATIONS } from './migrations/index.js';
import { SourcePrecedence } from './precedence.js';
import { Reconciler } from './reconciler.js';
import { SecretService } from './secret-service.js';
import { DirectorySource } from './sources/directory-source.js';
import { KubernetesSource } from './sources/kubernetes-source.js';
import { kubernetesClientFrom } from '#keyway/kubernetes';

/** A row as the head of its credential's chain, as the checkpoints name it. */
const chainHead = (r: ChainedAuditRow): [string, CheckpointHead] => [
  `${r.namespace}/${r.name}`,
  { revision: r.revision, rowHash: r.rowHash },
];

/** Everything the service runs, started in dependency order and stopped in reverse. */
export interface SecretWatcherRuntime {
  ds: DataSource;
  nc: NatsConnection;
  store: PostgresAuditStore;
  reconciler: Reconciler;
  service: SecretService;
  /** The audit device, when AUDIT_SINK names one. */
  exporter?: AuditExporter;
  directory?: DirectorySource;
  kubernetes?: KubernetesSource;
  stop(): Promise<void>;
}

export async function startRuntime(
  config: SecretWatcherConfig,
  logger: Logger,
  metrics?: Registry,
  fence?: AuditFence,
): Promise<SecretWatcherRuntime> {
  const keyring = Keyring.parse(config.KEYWAY_DATA_KEYS);
  const ds = await openServiceDatabase({
    url: config.DATABASE_URL,
    schema: 'secret_watcher',
    entities: [],
    migrations: SECRET_WATCHER_MIGRATIONS,
    migrate: config.DATABASE_MIGRATIONS === 'run',
  });
  const nc = await connectNats(
    { url: config.NATS_URL, user: config.NATS_USER, password: config.NATS_PASSWORD, name: 'secret-watcher' },
    logger,
  );
  const kv = await provisionKeywayBucket(nc, Buckets.credentials, config.NATS_KV_REPLICAS);
  const store = new PostgresAuditStore(ds, fence);
  const checkpoints = config.AUDIT_CHECKPOINT_KEY_FILE
    ? new SignedCheckpoints(nc, {
        stream: Streams.auditCheckpoints,
        writer: 'secret-watcher',
        privateKey: fs.readFileSync(config.AUDIT_CHECKPOINT_KEY_FILE, 'utf8'),
        intervalMs: config.AUDIT_CHECKPOINT_SECONDS * 1000,
        everyRows: config.AUDIT_CHECKPOINT_ROWS,
        file: config.AUDIT_CHECKPOINT_FILE,
        replicas: config.NATS_KV_REPLICAS,
        logger,
        rowHashesAt: (chains) => store.rowHashesAt(chains),
      })
    : undefined;
  const exporter = auditExporterFor(
    config,
    { after: (cursor, limit) => store.exportAfter(cursor, limit), ...exportCursorStore(ds) },
    nc,
    logger,
  );
  await exporter?.start();
  const reconciler = new Reconciler(store, new KvCredentialSink(kv, keyring), {
    export: exporter,
    checkpoints: checkpoints && { committed: (rows) => checkpoints.committed(rows.map(chainHead)) },
    precedence: new SourcePrecedence(config.SECRET_SOURCE_PRECEDENCE),
    validation: { expiryWarningDays: config.SECRET_EXPIRY_WARNING_DAYS },
    deleteGraceSeconds: config.SECRET_DELETE_GRACE_SECONDS,
    logger,
    telemetry: metrics ? new CredentialTelemetry(metrics) : undefined,
  });
  await reconciler.load();
  await checkpoints?.start((await store.heads()).map(chainHead));

  // The API source's Secrets live (sealed) in Postgres: they survive restarts.
  for (const stored of await store.apiSecrets()) {
    try {
      const manifest = JSON.parse(keyring.open(stored.sealedManifest, SECRET_APPLY_AAD).toString('utf8'));
      const checked = validatePayload(secretManifest, manifest);
      const decoded = checked.ok ? decodeSecret(checked.value) : undefined;
      if (decoded?.ok) reconciler.seed('api', stored.actor, decoded.secret);
    } catch (e) {
      logger.error(
        { secret: `${stored.namespace}/${stored.name}`, err: (e as Error).message },
        'stored Secret cannot be opened',
      );
    }
  }
  let directory: DirectorySource | undefined;
  if (config.SECRETS_DIR) {
    directory = new DirectorySource(
      config.SECRETS_DIR,
      config.SECRETS_DIR_NAMESPACE,
      (ev) => reconciler.submit(ev),
      logger,
    );
    for (const { actor, secret } of directory.initial()) reconciler.seed('directory', actor, secret);
  }
  let kubernetes: KubernetesSource | undefined;
  const kubernetesClient = kubernetesClientFrom(config);
  if (kubernetesClient) {
    kubernetes = new KubernetesSource({
      client: kubernetesClient,
      namespaces: config.KUBERNETES_NAMESPACES,
      labelSelector: config.KUBERNETES_LABEL_SELECTOR,
      emit: (ev) => reconciler.submit(ev),
      logger,
    });
    for (const { actor, secret } of await kubernetes.initial()) reconciler.seed('kubernetes', actor, secret);
  }
  await reconciler.reconcileAll();
  directory?.start();
  kubernetes?.start();

  return {
    ds,
    nc,
    store,
    reconciler,
    exporter,
    directory,
    kubernetes,
    service: new SecretService(reconciler, store, keyring, config.SECRET_APPLY_WAIT_MS, checkpoints),
    async stop() {
      await directory?.stop();
      await kubernetes?.stop();
      await reconciler.stop();
      await checkpoints?.stop();
      await exporter?.stop();
      await nc.drain().catch(() => undefined);
      if (ds.isInitialized) await ds.destroy();
    },
  };
}
