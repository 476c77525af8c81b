import { Module, type DynamicModule } from '@nestjs/common';
import { kubernetesClientFrom } from '#keyway/kubernetes';
import { connectNats, natsHealth } from '#keyway/messaging';
import { createMetricsRegistry, serviceLifecycle, type Logger } from '#keyway/observability';
import { openServiceDatabase, postgresHealth, type DataSource } from '#keyway/persistence';
import type { NatsConnection } from '@nats-io/transport-node';
import type { RouteCompilerConfig } from './config.js';
import { ROUTE_COMPILER_MIGRATIONS } from './migrations/index.js';
import { ROUTING_SERVICE, RoutingHandler } from './routing.handler.js';
import { RoutingRepository, ROUTING_CHANNEL } from './routing-repository.js';
import pg from 'pg';
import { RoutingService } from './routing-service.js';

const NATS = Symbol('ROUTE_COMPILER_NATS');
const DATA_SOURCE = Symbol('ROUTE_COMPILER_DATA_SOURCE');

export interface RouteCompilerModuleOptions {
  /** Consider only proxies of this namespace (tests sharing one NATS). */
  proxyNamespace?: string;
  /** Skip the ops HTTP server (tests). */
  withoutOpsServer?: boolean;
}

/** A dedicated connection LISTENing for API changes made by any replica. */
async function listenForRoutingChanges(
  url: string,
  onChange: (id: string) => void,
  logger: Logger,
): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', (e) => logger.error({ err: e }, 'routing change listener failed'));
  client.on('notification', (n) => {
    if (n.channel === ROUTING_CHANNEL && n.payload) onChange(n.payload);
  });
  await client.connect();
  await client.query(`LISTEN ${ROUTING_CHANNEL}`);
  return async () => {
    await client.end();
  };
}

@Module({})
export class RouteCompilerModule {
  static register(
    config: RouteCompilerConfig,
    logger: Logger,
    options: RouteCompilerModuleOptions = {},
  ): DynamicModule {
    return {
      module: RouteCompilerModule,
      controllers: [RoutingHandler],
      providers: [
        {
          provide: NATS,
          useFactory: () =>
            connectNats(
              {
                url: config.NATS_URL,
                user: config.NATS_USER,
                password: config.NATS_PASSWORD,
                name: 'route-compiler',
              },
              logger,
            ),
        },
        {
          provide: DATA_SOURCE,
          useFactory: () =>
            openServiceDatabase({
              url: config.DATABASE_URL,
              schema: 'route_compiler',
              entities: [],
              migrations: ROUTE_COMPILER_MIGRATIONS,
              migrate: config.DATABASE_MIGRATIONS === 'run',
            }),
        },
        {
          provide: ROUTING_SERVICE,
          inject: [NATS, DATA_SOURCE],
          useFactory: (nc: NatsConnection, ds: DataSource) =>
            new RoutingService({
              nc,
              repository: new RoutingRepository(ds),
              logger,
              routesDir: config.ROUTES_DIR,
              debounceMs: config.ROUTE_DEBOUNCE_MS,
              maxWaitMs: config.ROUTE_MAX_WAIT_MS,
              kvReplicas: config.NATS_KV_REPLICAS,
              proxyNamespace: options.proxyNamespace,
              listenForChanges: (onChange) => listenForRoutingChanges(config.DATABASE_URL, onChange, logger),
              kubernetes: kubernetesClientFrom(config),
            }),
        },
        // Routing starts (stored resources compiled) before readiness is claimed.
        serviceLifecycle(
          [NATS, DATA_SOURCE, ROUTING_SERVICE],
          (nc: NatsConnection, ds: DataSource, routing: RoutingService) => ({
            service: 'route-compiler',
            logger,
            prepare: () => routing.start(),
            ops: options.withoutOpsServer
              ? undefined
              : {
                  port: config.OPS_PORT,
                  host: config.OPS_HOST,
                  metrics: createMetricsRegistry('route-compiler'),
                },
            health: { postgres: () => postgresHealth(ds), nats: () => natsHealth(nc) },
            stop: [
              ['routing', () => routing.stop()],
              ['nats', () => nc.drain()],
              ['postgres', () => ds.isInitialized && ds.destroy()],
            ],
          }),
        ),
      ],
    };
  }
}
