import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { Keyring } from '#keyway/key-material';
import type { NatsConnection } from '@nats-io/transport-node';
import { CommandClient, connectNats, natsHealth } from '#keyway/messaging';
import { createMetricsRegistry, HealthRegistry, OpsServer } from '#keyway/observability';
import { exportCursorStore, openServiceDatabase, postgresHealth } from '#keyway/persistence';
import { auditExporterFor } from '#keyway/audit-export';
import { AdminController } from './admin/admin.controller.js';
import { resolveAdminToken } from './admin-token.js';
import { AuthMiddleware } from './auth/auth.middleware.js';
import { RequestLog } from './audit/request-log.js';
import { TokenBucketLimiter } from './auth/rate-limiter.js';
import { TokenStore } from './auth/token-store.js';
import { CaController } from './ca/ca.controller.js';
import type { ApiConfig } from './config.js';
import { ObserveController } from './credentials/observe.controller.js';
import { DocsController } from './docs/docs.controller.js';
import { LocalSuiteController } from './local-suite/local-suite.controller.js';
import { API_MIGRATIONS } from './migrations/index.js';
import { AuditEventsController } from './audit/audit-events.controller.js';
import { AnalysisService } from './resources/analysis-service.js';
import { CreatorGuard } from './resources/creator-guard.js';
import { ResourceService } from './resources/resource-service.js';
import { ResourcesController } from './resources/resources.controller.js';
import {
  ADMIN_TOKEN,
  ANONYMOUS_RATE_LIMITER,
  COMMANDS,
  CONFIG,
  DATA_SOURCE,
  KEYRING,
  LOGGER,
  METRICS,
  NATS,
  RATE_LIMITER,
  TOKEN_STORE,
  REQUEST_LOG,
  TEAM_PUBLISHER,
} from './tokens.js';
import { TeamPublisher } from './admin/team-publisher.js';

/** Starts the ops server (health, readiness, metrics) and closes connections at shutdown. */
class Lifecycle implements OnModuleInit, OnApplicationShutdown {
  #ops?: OpsServer;

  constructor(
    @Inject(CONFIG) private readonly config: ApiConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(COMMANDS) private readonly commands: CommandClient,
    @Inject(METRICS) private readonly metrics: Registry,
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(TOKEN_STORE) private readonly store: TokenStore,
    @Inject(TEAM_PUBLISHER) private readonly teamsOut: TeamPublisher,
    @Inject(REQUEST_LOG) private readonly requests: RequestLog,
  ) {}

  async onModuleInit(): Promise<void> {
    // The teams bucket says what Postgres says, whatever happened while the api was down.
    await this.teamsOut
      .publishAll(await this.store.teams())
      .catch((e: Error) =>
        this.logger.error({ err: e.message }, 'publishing teams to the teams bucket failed'),
      );
    const health = new HealthRegistry();
    health.register('postgres', () => postgresHealth(this.ds));
    health.register('nats', () => natsHealth(this.nc));
    this.#ops = new OpsServer({
      port: this.config.OPS_PORT,
      host: this.config.OPS_HOST,
      health,
      metrics: this.metrics,
    });
    const port = await this.#ops.start();
    await this.requests.start();
    const device = this.requests.device;
    if (device) health.register('audit-sink', () => device.health());
    this.logger.info({ port }, 'ops server listening');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.requests.stop();
    await this.#ops?.stop();
    await this.commands.close().catch(() => undefined);
    await this.nc.close().catch(() => undefined);
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}

@Module({})
export class AppModule {
  /** `overrides` lets tests control the rate limiter's clock. */
  static register(
    config: ApiConfig,
    logger: Logger,
    overrides: { rateLimiter?: TokenBucketLimiter } = {},
  ): DynamicModule {
    return {
      module: AppModule,
      // Credentials first: its paths would otherwise match the resources' `:plural` routes.
      controllers: [
        ObserveController,
        AuditEventsController,
        ResourcesController,
        CaController,
        LocalSuiteController,
        AdminController,
        DocsController,
      ],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: METRICS, useFactory: () => createMetricsRegistry('api') },
        { provide: KEYRING, useFactory: () => Keyring.parse(config.KEYWAY_DATA_KEYS) },
        {
          provide: ADMIN_TOKEN,
          useFactory: () => {
            const { token, source } = resolveAdminToken(
              config.KEYWAY_ADMIN_TOKEN,
              config.KEYWAY_ADMIN_TOKEN_FILE,
            );
            logger.info({ source }, 'admin token loaded');
            return token;
          },
        },
        {
          provide: DATA_SOURCE,
          useFactory: () =>
            openServiceDatabase({
              url: config.DATABASE_URL,
              schema: 'api',
              entities: [],
              migrations: API_MIGRATIONS,
              migrate: config.DATABASE_MIGRATIONS === 'run',
            }),
        },
        {
          provide: COMMANDS,
          useFactory: async () => {
            const client = new CommandClient({
              url: config.NATS_URL,
              user: config.NATS_USER,
              password: config.NATS_PASSWORD,
              timeoutMs: config.COMMAND_TIMEOUT_MS,
            });
            await client.connect();
            return client;
          },
        },
        {
          provide: NATS,
          useFactory: () =>
            connectNats(
              { url: config.NATS_URL, user: config.NATS_USER, password: config.NATS_PASSWORD, name: 'api' },
              logger,
            ),
        },
        { provide: TOKEN_STORE, inject: [DATA_SOURCE], useFactory: (ds: DataSource) => new TokenStore(ds) },
        {
          provide: REQUEST_LOG,
          inject: [DATA_SOURCE, NATS],
          useFactory: (ds: DataSource, nc: NatsConnection) => {
            const log = new RequestLog(ds, {
              retentionDays: config.API_REQUEST_LOG_RETENTION_DAYS,
              foldWindowMs: config.API_REQUEST_LOG_FOLD_SECONDS * 1000,
              pruneIntervalMs: 3_600_000,
              logger,
            });
            log.device = auditExporterFor(
              config,
              { after: (cursor, limit) => log.exportAfter(cursor, limit), ...exportCursorStore(ds) },
              nc,
              logger,
            );
            return log;
          },
        },
        {
          provide: RATE_LIMITER,
          useFactory: () =>
            overrides.rateLimiter ??
            new TokenBucketLimiter(config.RATE_LIMIT_PER_SECOND, config.RATE_LIMIT_BURST),
        },
        {
          provide: ANONYMOUS_RATE_LIMITER,
          useFactory: () =>
            new TokenBucketLimiter(config.ANONYMOUS_RATE_LIMIT_PER_SECOND, config.ANONYMOUS_RATE_LIMIT_BURST),
        },
        {
          provide: TEAM_PUBLISHER,
          inject: [NATS],
          useFactory: (nc: NatsConnection) => new TeamPublisher(nc),
        },
        AuthMiddleware,
        ResourceService,
        AnalysisService,
        CreatorGuard,
        Lifecycle,
      ],
    };
  }

  // Authentication runs as the first application middleware, before the body parsers
  // (http-setup.ts), so it is a provider here rather than a module middleware.
}
