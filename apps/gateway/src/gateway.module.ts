import { Module, type DynamicModule } from '@nestjs/common';
import { serviceLifecycle, type Logger } from '#keyway/observability';
import type { GatewayConfig } from './config.js';
import { GatewayPrimaryRuntime } from './gateway-primary-runtime.js';
import { GatewayRuntime } from './gateway-runtime.js';

export const GATEWAY_RUNTIME = Symbol('GATEWAY_RUNTIME');

export interface GatewayModuleOptions {
  /** The gateway's main module, which node:cluster runs for each worker (GATEWAY_WORKERS > 1). */
  workerEntry?: string;
}

/** One data plane in this process, or a primary in front of GATEWAY_WORKERS workers. */
export function createGatewayRuntime(
  config: GatewayConfig,
  logger: Logger,
  options: GatewayModuleOptions = {},
): GatewayRuntime | GatewayPrimaryRuntime {
  if (config.GATEWAY_WORKERS === 1) return new GatewayRuntime(config, logger);
  if (!options.workerEntry)
    throw new Error(
      `GATEWAY_WORKERS=${config.GATEWAY_WORKERS} needs the gateway's main module to start workers from; set GATEWAY_WORKERS=1 to run the data plane in this process`,
    );
  return new GatewayPrimaryRuntime(config, logger, options.workerEntry);
}

@Module({})
export class GatewayModule {
  static register(config: GatewayConfig, logger: Logger, options: GatewayModuleOptions = {}): DynamicModule {
    return {
      module: GatewayModule,
      providers: [
        { provide: GATEWAY_RUNTIME, useFactory: () => createGatewayRuntime(config, logger, options) },
        // The runtime serves its own admin port (health, readiness, config dump) beside the listeners.
        serviceLifecycle([GATEWAY_RUNTIME], (runtime: GatewayRuntime | GatewayPrimaryRuntime) => ({
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
