import type { LeaderFence } from '#keyway/persistence';
import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { ServerNats } from '@nestjs/microservices';
import type { Registry } from 'prom-client';
import fs from 'node:fs';
import type { NatsConnection } from '@nats-io/transport-node';
import { Streams, Subjects } from '#keyway/contracts';
import { Keyring } from '#keyway/key-material';
import { CommandClient, SignedCheckpoints, connectNats, natsTransportHealth } from '#keyway/messaging';
import { HealthRegistry, OpsServer, createMetricsRegistry, type Logger } from '#keyway/observability';
import { openServiceDatabase, postgresHealth, type DataSource } from '#keyway/persistence';
import { createCaCore, type CaCore } from './ca-core.js';
import { caRecordHead, caRowHashesAt } from './ca-records.js';
import { CA_CORE, CaHandler } from './ca.handler.js';
import { CaRuntime } from './ca-runtime.js';
import { CaTelemetry } from './ca-telemetry.js';
import type { CaConfig } from './config.js';
import { CA_MIGRATIONS } from './migrations/index.js';

const CONFIG = Symbol('CA_CONFIG');
const LOGGER = Symbol('CA_LOGGER');
const DATA_SOURCE = Symbol('CA_DATA_SOURCE');
const SECRETS_CLIENT = Symbol('CA_SECRETS_CLIENT');
const TRANSPORT = Symbol('CA_TRANSPORT');
const METRICS = Symbol('CA_METRICS');
const CHECKPOINTS = Symbol('CA_CHECKPOINTS');

/** The CA record's signed checkpoints, on their own NATS connection; absent without a key. */
interface CaCheckpoints {
  nc: NatsConnection;
  signer: SignedCheckpoints;
}

/** Starts the ops server and background work with the module, and stops everything it opened. */
class CaLifecycle implements OnModuleInit, OnApplicationShutdown {
  #ops?: OpsServer;
  #runtime?: CaRuntime;

  constructor(
    @Inject(CONFIG) private readonly config: CaConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(SECRETS_CLIENT) private readonly secrets: CommandClient,
    @Inject(CA_CORE) private readonly core: CaCore,
    @Inject(TRANSPORT) private readonly transport: ServerNats,
    @Inject(METRICS) private readonly metrics: Registry,
    @Inject(CHECKPOINTS) private readonly checkpoints: CaCheckpoints | null,
  ) {}

  async onModuleInit(): Promise<void> {
    const health = new HealthRegistry();
    health.register('postgres', () => postgresHealth(this.ds));
    // The connection keyway.ca.* commands arrive on: not ready until the app listens, nor while
    // NATS is unreachable.
    health.register('nats', () => natsTransportHealth(this.transport));
    this.#ops = new OpsServer({
      port: this.config.HTTP_PORT,
      host: this.config.OPS_HOST,
      health,
      metrics: this.metrics,
    });
    const port = await this.#ops.start();
    this.#runtime = new CaRuntime(this.core, this.logger, {
      crlRefreshSeconds: this.config.CA_CRL_REFRESH_SECONDS,
      renewalCheckSeconds: this.config.CA_RENEWAL_CHECK_SECONDS,
    });
    await this.#runtime.start();
    await this.checkpoints?.signer.start();
    this.logger.info({ port }, 'ca ready');
  }

  async onApplicationShutdown(): Promise<void> {
    this.#runtime?.stop();
    await this.core.recorder.idle();
    // The last records are checkpointed before the connections close.
    await this.checkpoints?.signer.stop();
    await this.checkpoints?.nc.drain().catch(() => undefined);
    await this.#ops?.stop();
    await this.secrets.close();
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}

@Module({})
export class CaModule {
  /** `transport` is the NATS server the app is created with (`{ strategy: transport }`). */
  /** `fence`: the leader's fencing token (main.ts, active-standby), checked by every record write. */
  static register(
    config: CaConfig,
    logger: Logger,
    transport: ServerNats,
    fence?: LeaderFence,
  ): DynamicModule {
    return {
      module: CaModule,
      controllers: [CaHandler],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: TRANSPORT, useValue: transport },
        { provide: METRICS, useFactory: () => createMetricsRegistry('ca') },
        {
          provide: DATA_SOURCE,
          useFactory: () =>
            openServiceDatabase({
              url: config.DATABASE_URL,
              schema: 'ca',
              entities: [],
              migrations: CA_MIGRATIONS,
              migrate: config.DATABASE_MIGRATIONS === 'run',
            }),
        },
        {
          provide: SECRETS_CLIENT,
          useFactory: async () => {
            const client = new CommandClient({
              url: config.NATS_URL,
              user: config.NATS_USER,
              password: config.NATS_PASSWORD,
            });
            await client.connect();
            return client;
          },
        },
        {
          provide: CHECKPOINTS,
          inject: [DATA_SOURCE],
          useFactory: async (ds: DataSource): Promise<CaCheckpoints | null> => {
            if (!config.AUDIT_CHECKPOINT_KEY_FILE) return null;
            const privateKey = fs.readFileSync(config.AUDIT_CHECKPOINT_KEY_FILE, 'utf8');
            const nc = await connectNats(
              { url: config.NATS_URL, user: config.NATS_USER, password: config.NATS_PASSWORD, name: 'ca' },
              logger,
            );
            const signer = new SignedCheckpoints(nc, {
              stream: Streams.caCheckpoints,
              writer: 'ca',
              privateKey,
              intervalMs: config.AUDIT_CHECKPOINT_SECONDS * 1000,
              // One chain: it is checkpointed on the interval, before a verify and at stop.
              everyChains: 1,
              file: config.AUDIT_CHECKPOINT_FILE,
              replicas: config.NATS_KV_REPLICAS,
              logger,
              currentHeads: () => caRecordHead(ds),
              rowHashesAt: (chains) => caRowHashesAt(ds, chains),
            });
            return { nc, signer };
          },
        },
        {
          provide: CA_CORE,
          inject: [DATA_SOURCE, SECRETS_CLIENT, METRICS, CHECKPOINTS],
          useFactory: (
            ds: DataSource,
            secrets: CommandClient,
            metrics: Registry,
            checkpoints: CaCheckpoints | null,
          ) =>
            createCaCore({
              ds,
              masterKeys: Keyring.parse(config.CA_MASTER_KEYS),
              dataKeys: Keyring.parse(config.KEYWAY_DATA_KEYS),
              secrets: { apply: (request) => secrets.send(Subjects.secrets.apply, request) },
              crlValiditySeconds: config.CA_CRL_VALIDITY_SECONDS,
              backdateSeconds: config.CA_BACKDATE_SECONDS,
              telemetry: (authorities) => new CaTelemetry(metrics, authorities),
              fence,
              checkpoints: checkpoints?.signer,
            }),
        },
        CaLifecycle,
      ],
    };
  }
}
