import { Module, type DynamicModule } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { Keyring } from '#keyway/key-material';
import type { NatsConnection } from '@nats-io/transport-node';
import { CommandClient, connectNats, natsHealth } from '#keyway/messaging';
import { createMetricsRegistry, serviceLifecycle } from '#keyway/observability';
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
import { ConsoleModule } from './console/console.module.js';
import { ConsoleCredentialsController } from './console/console-credentials.controller.js';
import { AcmeModule } from './acme/acme.module.js';

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
      // Global with these exports so feature modules (acme/) use the same connections and keys.
      global: true,
      exports: [CONFIG, LOGGER, DATA_SOURCE, COMMANDS, KEYRING, METRICS, TOKEN_STORE],
      imports: [ConsoleModule, AcmeModule],
      // Credentials first: its paths would otherwise match the resources' `:plural` routes.
      controllers: [
        ObserveController,
        AuditEventsController,
        ResourcesController,
        CaController,
        LocalSuiteController,
        AdminController,
        DocsController,
        ConsoleCredentialsController,
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
          useFactory: (nc: NatsConnection) => new TeamPublisher(nc, config.NATS_KV_REPLICAS),
        },
        AuthMiddleware,
        ResourceService,
        AnalysisService,
        CreatorGuard,
        // The teams bucket says what Postgres says, whatever happened while the api was down, before
        // readiness is claimed; the request log (and its audit device) starts once the ops server listens.
        serviceLifecycle(
          [DATA_SOURCE, COMMANDS, METRICS, NATS, TOKEN_STORE, TEAM_PUBLISHER, REQUEST_LOG],
          (
            ds: DataSource,
            commands: CommandClient,
            metrics: Registry,
            nc: NatsConnection,
            store: TokenStore,
            teamsOut: TeamPublisher,
            requests: RequestLog,
          ) => ({
            service: 'api',
            logger,
            prepare: async () =>
              teamsOut
                .publishAll(await store.teams())
                .catch((e: Error) =>
                  logger.error({ err: e.message }, 'publishing teams to the teams bucket failed'),
                ),
            ops: { port: config.OPS_PORT, host: config.OPS_HOST, metrics },
            health: { postgres: () => postgresHealth(ds), nats: () => natsHealth(nc) },
            start: async (health) => {
              await requests.start();
              const device = requests.device;
              if (device) health.register('audit-sink', () => device.health());
            },
            stop: [
              ['request log', () => requests.stop()],
              ['commands', () => commands.close()],
              ['nats', () => nc.close()],
              ['postgres', () => ds.isInitialized && ds.destroy()],
            ],
          }),
        ),
      ],
    };
  }

  // Authentication runs as the first application middleware, before the body parsers
  // (http-setup.ts), so it is a provider here rather than a module middleware.
}
