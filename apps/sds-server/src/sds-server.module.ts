import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '#keyway/messaging';
import { createMetricsRegistry, type Logger } from '#keyway/observability';
import type { SdsConfig } from './config.js';
import { ProxyStatusHandler, SDS_RUNTIME } from './proxy-status.handler.js';
import { SdsRuntime } from './sds-runtime.js';

const NATS = Symbol('SDS_NATS');
const LOGGER = Symbol('SDS_LOGGER');

/** Starts the gRPC server with the module and closes every stream, watch and connection on shutdown. */
class SdsLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(SDS_RUNTIME) private readonly runtime: SdsRuntime,
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.runtime.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.stop();
    await this.nc.drain().catch(() => undefined);
    this.logger.info('sds-server stopped');
  }
}

@Module({})
export class SdsServerModule {
  static register(config: SdsConfig, logger: Logger): DynamicModule {
    return {
      module: SdsServerModule,
      controllers: [ProxyStatusHandler],
      providers: [
        { provide: LOGGER, useValue: logger },
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
        SdsLifecycle,
      ],
    };
  }
}
