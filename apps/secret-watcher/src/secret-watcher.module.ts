import { Module, type DynamicModule } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { natsHealth } from '#keyway/messaging';
import { createMetricsRegistry, serviceLifecycle, type Logger } from '#keyway/observability';
import { postgresHealth } from '#keyway/persistence';
import type { SecretWatcherConfig } from './config.js';
import type { AuditFence } from './audit-log.js';
import { startRuntime, type SecretWatcherRuntime } from './runtime.js';
import { SECRET_SERVICE, SecretsHandler } from './secrets.handler.js';

export const RUNTIME = Symbol('SECRET_WATCHER_RUNTIME');
const METRICS = Symbol('SECRET_WATCHER_METRICS');

@Module({})
export class SecretWatcherModule {
  /** `fence`: the leader's fencing token, checked by every audit commit (main.ts, active-standby). */
  static register(config: SecretWatcherConfig, logger: Logger, fence?: AuditFence): DynamicModule {
    return {
      module: SecretWatcherModule,
      controllers: [SecretsHandler],
      providers: [
        { provide: METRICS, useFactory: () => createMetricsRegistry('secret-watcher') },
        {
          provide: RUNTIME,
          inject: [METRICS],
          useFactory: (metrics: Registry) => startRuntime(config, logger, metrics, fence),
        },
        { provide: SECRET_SERVICE, inject: [RUNTIME], useFactory: (r: SecretWatcherRuntime) => r.service },
        // Ready once Postgres, NATS and the audit queue are; the runtime stops after the ops server.
        serviceLifecycle([RUNTIME, METRICS], (runtime: SecretWatcherRuntime, metrics: Registry) => ({
          service: 'secret-watcher',
          logger,
          ops: { port: config.OPS_PORT, host: config.OPS_HOST, metrics },
          health: {
            postgres: () => postgresHealth(runtime.ds),
            nats: () => natsHealth(runtime.nc),
            audit: () => runtime.reconciler.health(),
            'audit-sink': runtime.exporter && (() => runtime.exporter!.health()),
          },
          stop: [['runtime', () => runtime.stop()]],
        })),
      ],
    };
  }
}
