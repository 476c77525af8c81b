import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Registry } from 'prom-client';
import { natsHealth } from '#keyway/messaging';
import { HealthRegistry, OpsServer, createMetricsRegistry, type Logger } from '#keyway/observability';
import { postgresHealth } from '#keyway/persistence';
import type { SecretWatcherConfig } from './config.js';
import type { AuditFence } from './audit-log.js';
import { startRuntime, type SecretWatcherRuntime } from './runtime.js';
import { SECRET_SERVICE, SecretsHandler } from './secrets.handler.js';

const CONFIG = Symbol('SECRET_WATCHER_CONFIG');
const LOGGER = Symbol('SECRET_WATCHER_LOGGER');
export const RUNTIME = Symbol('SECRET_WATCHER_RUNTIME');
const METRICS = Symbol('SECRET_WATCHER_METRICS');

/** Serves /healthz, /readyz (Postgres, NATS, audit queue) and /metrics; stops the runtime last. */
class SecretWatcherLifecycle implements OnModuleInit, OnApplicationShutdown {
  #ops?: OpsServer;

  constructor(
    @Inject(CONFIG) private readonly config: SecretWatcherConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(RUNTIME) private readonly runtime: SecretWatcherRuntime,
    @Inject(METRICS) private readonly metrics: Registry,
  ) {}

  async onModuleInit(): Promise<void> {
    const health = new HealthRegistry();
    health.register('postgres', () => postgresHealth(this.runtime.ds));
    health.register('nats', () => natsHealth(this.runtime.nc));
    health.register('audit', () => this.runtime.reconciler.health());
    const exporter = this.runtime.exporter;
    if (exporter) health.register('audit-sink', () => exporter.health());
    this.#ops = new OpsServer({
      port: this.config.OPS_PORT,
      host: this.config.OPS_HOST,
      health,
      metrics: this.metrics,
    });
    const port = await this.#ops.start();
    this.logger.info({ port }, 'secret-watcher ready');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.#ops?.stop();
    await this.runtime.stop();
  }
}

@Module({})
export class SecretWatcherModule {
  /** `fence`: the leader's fencing token, checked by every audit commit (main.ts, active-standby). */
  static register(config: SecretWatcherConfig, logger: Logger, fence?: AuditFence): DynamicModule {
    return {
      module: SecretWatcherModule,
      controllers: [SecretsHandler],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: METRICS, useFactory: () => createMetricsRegistry('secret-watcher') },
        {
          provide: RUNTIME,
          inject: [METRICS],
          useFactory: (metrics: Registry) => startRuntime(config, logger, metrics, fence),
        },
        { provide: SECRET_SERVICE, inject: [RUNTIME], useFactory: (r: SecretWatcherRuntime) => r.service },
        SecretWatcherLifecycle,
      ],
    };
  }
}
