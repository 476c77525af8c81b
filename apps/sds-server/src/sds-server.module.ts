import { Module, type DynamicModule } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '#keyway/messaging';
import { createMetricsRegistry, serviceLifecycle, type Logger } from '#keyway/observability';
import type { SdsConfig } from './config.js';
import { ProxyStatusHandler, SDS_RUNTIME } from './proxy-status.handler.js';
import { SdsRuntime } from './sds-runtime.js';

const NATS = Symbol('SDS_NATS');

@Module({})
export class SdsServerModule {
  static register(config: SdsConfig, logger: Logger): DynamicModule {
    return {
      module: SdsServerModule,
      controllers: [ProxyStatusHandler],
      providers: [
        {
          provide: NATS,
          useFactory: () =>
            connectNats(
              {
                url: config.NATS_URL,
                user: config.NATS_USER,
                password: config.NATS_PASSWORD,
                name: 'sds-server',
              },
              logger,
            ),
        },
        {
          provide: SDS_RUNTIME,
          inject: [NATS],
          useFactory: (nc: NatsConnection) =>
            new SdsRuntime({ config, logger, nc, metrics: createMetricsRegistry('sds-server') }),
        },
        // The runtime serves its own ops server beside the gRPC ports (sds-runtime.ts).
        serviceLifecycle([SDS_RUNTIME, NATS], (runtime: SdsRuntime, nc: NatsConnection) => ({
          service: 'sds-server',
          logger,
          prepare: () => runtime.start(),
          stop: [
            ['runtime', () => runtime.stop()],
            ['nats', () => nc.drain()],
          ],
        })),
      ],
    };
  }
}
