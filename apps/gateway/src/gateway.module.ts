import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Logger } from '#keyway/observability';
import type { GatewayConfig } from './config.js';
import { GatewayRuntime } from './gateway-runtime.js';

export const GATEWAY_RUNTIME = Symbol('GATEWAY_RUNTIME');
const LOGGER = Symbol('GATEWAY_LOGGER');

/** Starts the data plane and the ADS stream with the module, and closes both on shutdown. */
class GatewayLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.runtime.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.stop();
    this.logger.info('gateway stopped');
  }
}

@Module({})
export class GatewayModule {
  static register(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: GatewayModule,
      providers: [
        { provide: LOGGER, useValue: logger },
        { provide: GATEWAY_RUNTIME, useFactory: () => new GatewayRuntime(config, logger) },
        GatewayLifecycle,
      ],
      exports: [GATEWAY_RUNTIME],
    };
  }
}
