import { Module, type DynamicModule } from '@nestjs/common';
import { serviceLifecycle, type Logger } from '#keyway/observability';
import type { GatewayConfig } from './config.js';
import { GatewayRuntime } from './gateway-runtime.js';

export const GATEWAY_RUNTIME = Symbol('GATEWAY_RUNTIME');

@Module({})
export class GatewayModule {
  static register(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: GatewayModule,
      providers: [
        { provide: GATEWAY_RUNTIME, useFactory: () => new GatewayRuntime(config, logger) },
        // The runtime serves its own admin port (health, readiness, config dump) beside the listeners.
        serviceLifecycle([GATEWAY_RUNTIME], (runtime: GatewayRuntime) => ({
          service: 'gateway',
          logger,
          prepare: () => runtime.start(),
          stop: [['runtime', () => runtime.stop()]],
        })),
      ],
      exports: [GATEWAY_RUNTIME],
    };
  }
}
